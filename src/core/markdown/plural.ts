/** "1 file", "3 files": a count with its noun, for headlines. Irregular plurals are passed in. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

import { describe, expect, it } from "vitest";
import type { Definition } from "../../src/core/definitionSchema.js";
import { hwaddr } from "../../src/core/hwaddr.js";
import type { Located } from "../../src/core/located.js";
import { validateDefinitions } from "../../src/core/validateDefinitions.js";
import { definition, locatedDefinition, poolConfig } from "./locatedFixture.js";

const config = poolConfig({
  "debian-12": [
    { name: "h1", labels: { zone: "a" } },
    { name: "h2", labels: { zone: "b" } },
  ],
  "ubuntu-24.04": [{ name: "u1" }],
});

const def = (name: string, more = "", platform = "debian-12") =>
  locatedDefinition(
    `containers/${name}.yml`,
    `apiVersion: hostroot/v1\nname: ${name}\nplatform: ${platform}\n${more}`,
  );
const at = (ds: ReturnType<typeof validateDefinitions>) =>
  ds.map((d) => `${d.file} ${d.rule} ${d.line}:${d.column}`);

describe("validateDefinitions", () => {
  it("accepts a valid set", () => {
    expect(
      validateDefinitions([def("web", "replicas: 2\n"), def("api"), def("db", "", "ubuntu-24.04")], config),
    ).toEqual([]);
  });

  it("runs each definition's own rules", () => {
    expect(at(validateDefinitions([def("web", "hide: [/usr]\n")], config))).toEqual([
      "containers/web.yml hide/system-path 4:8",
    ]);
  });

  it("reports a duplicate name on every file, naming the others", () => {
    const text = "apiVersion: hostroot/v1\nname: web\nplatform: debian-12\n";
    const files = ["a/web.yml", "b/web.yml", "c/web.yml"];
    const ds = validateDefinitions(
      files.map((f) => locatedDefinition(f, text)),
      config,
    );
    expect(at(ds)).toEqual(files.map((f) => `${f} name/duplicate 2:7`));
    expect(ds[0]?.message).toContain("b/web.yml, c/web.yml");
    expect(ds[1]?.message).toContain("a/web.yml, c/web.yml");
    expect(ds[2]?.message).toContain("a/web.yml, b/web.yml");
  });

  it("reports an unknown platform with a did-you-mean, or the list of platforms", () => {
    const ds = validateDefinitions([def("web", "", "debian12"), def("api", "", "centos-7")], config);
    expect(at(ds)).toEqual([
      "containers/web.yml platform/unknown 3:11",
      "containers/api.yml platform/unknown 3:11",
    ]);
    expect(ds[0]?.message).toContain("did you mean 'debian-12'?");
    expect(ds[1]?.message).toContain("debian-12, ubuntu-24.04");
  });

  it("reports placement hosts that are unknown or run another platform", () => {
    const ds = validateDefinitions([def("web", "placement:\n  hosts: [h1, hx, u1]\n")], config);
    expect(at(ds)).toEqual([
      "containers/web.yml placement/unknown-host 5:15",
      "containers/web.yml placement/unknown-host 5:19",
    ]);
    expect(ds[1]?.message).toContain("runs ubuntu-24.04");
  });

  it("reports a placement no host matches", () => {
    const ds = validateDefinitions([def("web", "placement:\n  labels: { zone: c }\n")], config);
    expect(at(ds)).toEqual(["containers/web.yml placement/no-hosts 5:3"]);
    expect(validateDefinitions([def("web", "placement:\n  labels: { zone: b }\n")], config)).toEqual([]);
  });

  it("reports more replicas than distinct eligible hosts", () => {
    const ds = validateDefinitions([def("web", "replicas: 3\n")], config);
    expect(at(ds)).toEqual(["containers/web.yml placement/replicas 4:11"]);
    expect(ds[0]?.message).toContain("only 2 eligible host(s)");
    expect(validateDefinitions([def("web", "replicas: 2\n")], config)).toEqual([]);
  });

  it("reports the definitions that do not fit the platform's capacity", () => {
    const small = poolConfig({
      "debian-12": [
        { name: "h1", capacity: 2 },
        { name: "h2", capacity: 1 },
      ],
    });
    const fits = [def("a", "replicas: 2\n"), def("b")];
    expect(validateDefinitions(fits, small)).toEqual([]);
    const ds = validateDefinitions([...fits, def("c")], small);
    expect(at(ds)).toEqual(["containers/c.yml placement/capacity 3:11"]);
    expect(ds[0]?.message).toMatch(/full/);
  });

  it("reports a MAC given twice on both files", () => {
    const mac = "network:\n  hwaddr: 00:16:3e:00:00:01\n";
    const ds = validateDefinitions([def("web", mac), def("api", mac)], config);
    expect(at(ds)).toEqual([
      "containers/web.yml network/duplicate-hwaddr 5:11",
      "containers/api.yml network/duplicate-hwaddr 5:11",
    ]);
    expect(ds[0]?.message).toContain("containers/api.yml");
    expect(ds[1]?.message).toContain("containers/web.yml");
  });

  it("reports a given MAC that equals another container's derived one, on both files", () => {
    const ds = validateDefinitions(
      [def("web", `network:\n  hwaddr: ${hwaddr("api", 1)}\n`), def("api", "replicas: 2\n")],
      config,
    );
    expect(at(ds).sort()).toEqual([
      "containers/api.yml network/duplicate-hwaddr 2:7",
      "containers/web.yml network/duplicate-hwaddr 5:11",
    ]);
  });

  it("reports a given MAC shared by the replicas of one definition", () => {
    const ds = validateDefinitions(
      [def("web", "replicas: 2\nnetwork:\n  hwaddr: 00:16:3e:00:00:01\n")],
      config,
    );
    expect(at(ds)).toEqual(["containers/web.yml network/duplicate-hwaddr 6:11"]);
  });

  it("stays linear on 10,000 definitions, even when all share one name", () => {
    const big = poolConfig({
      "debian-12": Array.from({ length: 50 }, (_, i) => ({ name: `h${i}`, capacity: 1000 })),
    });
    const stub = (value: Definition, file: string): Located<Definition> => ({
      file,
      value,
      span: () => ({ line: 1, column: 1 }),
    });
    const many = Array.from({ length: 10_000 }, (_, i) =>
      stub(definition({ name: `c${i}`, replicas: 2 }), `containers/c${i}.yml`),
    );
    const started = performance.now();
    validateDefinitions(many, big);
    const distinct = performance.now() - started;
    const same = Array.from({ length: 10_000 }, (_, i) =>
      stub(definition({ name: "c" }), `containers/c${i}.yml`),
    );
    const ds = validateDefinitions(same, big);
    const duplicates = ds.filter((d) => d.rule === "name/duplicate");
    expect(duplicates).toHaveLength(10_000);
    expect(duplicates[0]?.message).toContain("and 9994 more");
    // Generous: a quadratic pass over 10,000 items takes far longer than this on any machine.
    expect(distinct).toBeLessThan(10_000);
  });
});

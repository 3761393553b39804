import fc from "fast-check";

/**
 * Every property test runs from one recorded seed, so a red run is reproducible and CI never goes
 * red at random. `FC_SEED=<n>` explores another seed (a failure prints the seed and path to replay);
 * `FC_SEED=random` draws one and prints it. A test that passes its own `seed` keeps it.
 */
const requested = process.env.FC_SEED;
const seed =
  requested === "random"
    ? Math.floor(Math.random() * 0x7fffffff)
    : requested !== undefined && /^-?[0-9]+$/.test(requested)
      ? Number(requested)
      : 20261204;
if (requested !== undefined) console.log(`fast-check seed ${seed} (FC_SEED=${requested})`);
fc.configureGlobal({ seed });

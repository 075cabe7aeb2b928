import { setFlagsFromString } from 'node:v8';

/**
 * V8 grows the young generation (its two semi-spaces, up to 16 MB each) while most of what it allocates survives,
 * which is what loading the modules and wiring the application does, and does not shrink it back while the process
 * idles: a gateway that had only started held some 30 MB of young generation it no longer used. So growth is held
 * off from the start until the gateway listens, then allowed again, and a gateway under load sizes its young
 * generation as before. main.ts imports the gateway's modules only after this one has run.
 */
const DEFAULT_GROWTH_FACTOR = 2;

/** An operator's own `--semi-space-growth-factor` (command line or NODE_OPTIONS) is left alone. */
const held = ![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) =>
  flag.includes('semi-space-growth-factor'),
);
if (held) setFlagsFromString('--semi-space-growth-factor=1');

/** Lets the young generation grow again, as V8 sizes it by default; called once the gateway listens. */
export function releaseYoungGeneration(): void {
  if (held) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}

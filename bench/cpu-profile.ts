import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

/** What bench/run.ts sends a profiled server over IPC. */
export type ProfilerMessage = { profiler: 'start' } | { profiler: 'stop'; file: string };

// Preloaded (`node --import`) into a server under test when BENCH_CPU_PROFILE is set, so that a profile covers
// exactly one timed phase. (Node's --cpu-prof writes only on a normal exit, and a Nest app re-raises SIGTERM.)
if (process.send) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.on('message', async (message: ProfilerMessage) => {
    if (message.profiler === 'start') {
      await session.post('Profiler.start');
    } else {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(message.file, JSON.stringify(profile));
    }
    process.send?.('done');
  });
  // The IPC channel must not keep the server alive on its own.
  process.channel?.unref();
}

import type { StytchImport } from './stytch-import.entity.js';

/**
 * What the import says while it runs, on stderr: a bar redrawn in place on a terminal, one line per page otherwise
 * (logs and CI), so that a person or a script can follow it.
 */
export class ImportProgress {
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  update(state: StytchImport): void {
    const counts = `imported ${state.imported}, unchanged ${state.unchanged}, conflicts ${state.conflicts.length}`;
    const total = state.total >= 0 ? state.total : undefined;
    if (!this.tty) {
      this.stream.write(`read ${state.read}${total === undefined ? '' : ` of ${total}`} users (${counts})\n`);
      return;
    }
    const width = 30;
    const share = total ? Math.min(1, state.read / total) : 0;
    const filled = Math.round(share * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const percent = total ? ` ${Math.floor(share * 100)}%` : '';
    this.stream.write(`\r${bar}${percent} ${state.read}${total === undefined ? '' : `/${total}`} ${counts}\x1b[K`);
  }

  /** Ends the bar's line before anything else is printed. */
  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSharedDir } from '../load-config.js';

/** A private copy of the project's shared/ folder and the ESCALATION.md beside it, to break one thing at a time. */
export class SharedCopy {
  readonly root: string;
  readonly dir: string;

  constructor(source: string = defaultSharedDir()) {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'ecm-shared-'));
    this.dir = path.join(this.root, 'shared');
    cpSync(source, this.dir, { recursive: true });
    const matrix = path.join(source, '..', 'ESCALATION.md');
    if (existsSync(matrix)) cpSync(matrix, path.join(this.root, 'ESCALATION.md'));
  }

  file(relative: string): string {
    return path.join(this.dir, relative);
  }

  read(relative: string): string {
    return readFileSync(this.file(relative), 'utf8');
  }

  write(relative: string, text: string): void {
    writeFileSync(this.file(relative), text);
  }

  /** Replaces the first occurrence of `from`; fails when it is absent, so a stale edit cannot pass silently. */
  edit(relative: string, from: string | RegExp, to: string): void {
    const text = this.read(relative);
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`fixture edit found nothing to replace in ${relative}: ${String(from)}`);
    this.write(relative, edited);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

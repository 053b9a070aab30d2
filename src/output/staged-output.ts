import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';

/*
 * The output folder of a GitOpsApp, written as one transaction.
 *
 * Every file of a run is first written to a staging folder inside the output folder
 * (`.cdk8s-kubevirt-staging-<random>/`, on the same file system, so moving a file is a rename). Only when
 * every file has been written does `commit()` move them into place, one rename each, then delete the files
 * that the previous run wrote and this one does not (read from the index the previous run left), then
 * replace the index. (Before the moves, the index lists both runs' files, so that a commit cut short, e.g.
 * by a killed process, leaves nothing in the folder that the next run would take for someone else's file.) A failure before the commit (a validation error, an exception while rendering, a full
 * disk) removes the staging folder and leaves the output folder as it was. Files that are not in the index
 * (a README, files of other tools) are never written, moved or deleted; a run that would write over one is
 * refused before anything is moved.
 */

/** The index of the files a GitOpsApp wrote, kept in its output folder (commit it with the manifests). */
export const INDEX_FILE = '.cdk8s-kubevirt-files.json';
/** Prefix of the staging folders inside the output folder (a crashed run can leave one; the next run removes it). */
export const STAGING_PREFIX = '.cdk8s-kubevirt-staging-';
const SPILL_DIR = '.spill';

/** @internal Sizes of the writer (tests lower them to reach the spill files with a small app). */
export const LIMITS = {
  /**
   * Characters buffered before a write to the file. Below V8's large-object size (128 KiB), so that the
   * joined chunk is an ordinary young object that dies at once instead of old-space garbage.
   */
  writeChunk: 60 * 1024,
  /** Characters of ordered documents held in memory before they go to spill files (see WaveOrderedDocs). */
  spillThreshold: 16 * 1024 * 1024,
};

interface IndexFile {
  readonly generator: string;
  readonly files: string[];
}

/** A file of the staging folder written in chunks. */
export class FileSink {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;

  constructor(file: string, flags = 'w') {
    this.fd = fs.openSync(file, flags);
  }

  public write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= LIMITS.writeChunk) this.flush();
  }

  /** Copies a whole file after what was written so far. */
  public append(file: string): void {
    this.flush();
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      for (let n = fs.readSync(fd, buffer, 0, buffer.length, null); n > 0; n = fs.readSync(fd, buffer, 0, buffer.length, null)) {
        writeAll(this.fd, buffer, n);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  public flush(): void {
    if (this.size === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.size = 0;
    const data = Buffer.from(text, 'utf8');
    writeAll(this.fd, data, data.length);
  }

  public close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

function writeAll(fd: number, data: Buffer, length: number): void {
  for (let off = 0; off < length;) off += fs.writeSync(fd, data, off, length - off);
}

/**
 * YAML documents of one file, kept in sync-wave order as they come (stable: one wave keeps the order in which
 * its documents were added), without holding a large estate's YAML in memory: past LIMITS.spillThreshold
 * characters the documents go to one spill file per wave in the staging folder.
 */
export class WaveOrderedDocs {
  private readonly waves = new Map<number, { parts: string[]; count: number; spill?: string }>();
  private held = 0;

  constructor(private readonly output: StagedOutput) {}

  public add(wave: number, yaml: string): void {
    let w = this.waves.get(wave);
    if (!w) {
      w = { parts: [], count: 0 };
      this.waves.set(wave, w);
    }
    const text = w.count > 0 ? '---\n' + yaml : yaml;
    w.parts.push(text);
    w.count++;
    this.held += text.length;
    if (this.held >= LIMITS.spillThreshold) this.spill();
  }

  /** Writes the documents, lowest wave first, joined by `---` as cdk8s's `Yaml.stringify` joins them. */
  public writeTo(sink: FileSink, first: boolean): boolean {
    for (const wave of [...this.waves.keys()].sort((a, b) => a - b)) {
      const w = this.waves.get(wave)!;
      if (!first) sink.write('---\n');
      first = false;
      if (w.spill) {
        sink.append(w.spill);
        fs.rmSync(w.spill);
      }
      for (const part of w.parts) sink.write(part);
    }
    this.waves.clear();
    this.held = 0;
    return first;
  }

  private spill(): void {
    for (const w of this.waves.values()) {
      if (w.parts.length === 0) continue;
      w.spill ??= this.output._spillFile();
      const sink = new FileSink(w.spill, 'a');
      try {
        for (const part of w.parts) sink.write(part);
      } finally {
        sink.close();
      }
      w.parts = [];
    }
    this.held = 0;
  }
}

/**
 * The files of one run of a GitOpsApp: staged, then committed into the output folder (see the top of this
 * module). Relative paths use `/`.
 */
export class StagedOutput {
  private stage?: string;
  private createdOutdir = false;
  /** Relative path -> what wrote it (a construct path), to refuse two writers of one file. */
  private readonly files = new Map<string, string>();
  private spills = 0;

  /**
   * @param outdir the output folder
   * @param scope the app, for errors
   */
  constructor(private readonly outdir: string, private readonly scope: IConstruct) {}

  /** Reserves a file of the output for `owner`; refuses a second writer of the same file. */
  public claim(file: string, owner: IConstruct): string {
    const other = this.files.get(file);
    if (other !== undefined) {
      fail(owner, 'file', file, `is also written by ${other === '' ? 'the app' : other}; every file of the output has one writer`);
    }
    this.files.set(file, owner.node.path);
    return this.stagedPath(file);
  }

  /** Writes a whole file of the output (claim it first). */
  public writeFile(file: string, data: string | Uint8Array): void {
    fs.writeFileSync(this.stagedPath(file), data);
  }

  /** Opens a file of the output for writing in chunks (claim it first). */
  public open(file: string): FileSink {
    return new FileSink(this.stagedPath(file));
  }

  /** @internal A new spill file of WaveOrderedDocs. */
  public _spillFile(): string {
    const dir = path.join(this.stageDir(), SPILL_DIR);
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${this.spills++}.yaml`);
  }

  /**
   * Moves the staged files into the output folder, deletes the files the previous run wrote and this one
   * did not, and writes the new index. Refuses (before moving anything) to write over a file that is not
   * in the previous index.
   */
  public commit(): void {
    const stage = this.stageDir();
    fs.rmSync(path.join(stage, SPILL_DIR), { recursive: true, force: true });
    const previous = this.readIndex();
    const files = [...this.files.keys()].sort();
    for (const file of files) {
      const target = path.join(this.outdir, file);
      if (!previous.has(file) && fs.existsSync(target)) {
        fail(this.scope, 'outdir', path.join(this.outdir, file),
          `already exists and was not written by this app (it is not in ${INDEX_FILE}); GitOpsApp never replaces files it did not write: move it away, or remove it if it is an old output`);
      }
    }
    // First the index of both runs' files, so that a commit interrupted halfway leaves every file it moved
    // listed as this app's (the next run then replaces or deletes them instead of refusing them).
    this.writeIndex(stage, [...new Set([...previous, ...files])].sort());
    for (const file of files) {
      const target = path.join(this.outdir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(stage, file), target);
    }
    for (const file of [...previous].sort()) {
      if (this.files.has(file)) continue;
      fs.rmSync(path.join(this.outdir, file), { force: true });
      this.removeEmptyParents(file);
    }
    this.writeIndex(stage, files);
    fs.rmSync(stage, { recursive: true, force: true });
    this.stage = undefined;
  }

  /** Replaces the index in the output folder (written in the staging folder, then renamed over it). */
  private writeIndex(stage: string, files: string[]): void {
    const index: IndexFile = { generator: 'cdk8s-kubevirt GitOpsApp', files };
    fs.writeFileSync(path.join(stage, INDEX_FILE), JSON.stringify(index, undefined, 2) + '\n');
    fs.renameSync(path.join(stage, INDEX_FILE), path.join(this.outdir, INDEX_FILE));
  }

  /** Removes the staging folder; the output folder stays as it was (also when it did not exist). */
  public abort(): void {
    if (this.stage) fs.rmSync(this.stage, { recursive: true, force: true });
    this.stage = undefined;
    if (this.createdOutdir) {
      try {
        fs.rmdirSync(this.outdir);
      } catch {
        // not empty: someone else wrote there meanwhile
      }
    }
  }

  private stagedPath(file: string): string {
    const full = path.join(this.stageDir(), file);
    if (file.includes('/')) fs.mkdirSync(path.dirname(full), { recursive: true });
    return full;
  }

  private stageDir(): string {
    if (!this.stage) {
      if (!fs.existsSync(this.outdir)) {
        fs.mkdirSync(this.outdir, { recursive: true });
        this.createdOutdir = true;
      }
      // Staging folders that a killed run left behind are ours: remove them.
      for (const entry of fs.readdirSync(this.outdir)) {
        if (entry.startsWith(STAGING_PREFIX)) fs.rmSync(path.join(this.outdir, entry), { recursive: true, force: true });
      }
      this.stage = path.join(this.outdir, STAGING_PREFIX + crypto.randomBytes(6).toString('hex'));
      fs.mkdirSync(this.stage);
    }
    return this.stage;
  }

  /** The files of the previous run (none when there is no index). */
  private readIndex(): Set<string> {
    const file = path.join(this.outdir, INDEX_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw e;
    }
    let index: Partial<IndexFile> | undefined;
    try {
      index = JSON.parse(text);
    } catch {
      index = undefined;
    }
    const files = index?.files;
    if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && isOutputPath(f))) {
      fail(this.scope, 'outdir', file, 'is not an index GitOpsApp wrote (a JSON object with "files": relative paths); restore it from version control or remove it together with the files it listed');
    }
    return new Set(files);
  }

  private removeEmptyParents(file: string): void {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) {
      try {
        fs.rmdirSync(path.join(this.outdir, dir));
      } catch {
        return; // not empty (or gone)
      }
    }
  }
}

/** A relative path with `/` that stays inside the output folder and is none of GitOpsApp's own files. */
export function isOutputPath(file: string): boolean {
  if (file === '' || file.startsWith('/') || file.includes('\\') || file.includes('\0')) return false;
  const parts = file.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  return parts[0] !== INDEX_FILE && !parts[0].startsWith(STAGING_PREFIX);
}

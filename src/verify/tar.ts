/**
 * A tar stream read chunk by chunk, as `docker export` writes it: each entry's header is handed to
 * a visitor, which says how many bytes of the entry's data it wants; everything else is skipped
 * without being kept. Pure: bytes in, calls out (surface.ts and image-index.ts are its visitors).
 */

export interface TarEntry {
  /** The path as the archive names it, without a leading `./` or `/` and without a trailing `/`. */
  name: string;
  /** The type flag: `0` file, `1` hard link, `2` symbolic link, `5` folder, ... */
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** The target of a link (type 1 or 2), as written. */
  link: string;
}

export interface TarVisitor {
  /** Every entry (not the pax and long-name headers); returns how many bytes of its data to keep. */
  entry(e: TarEntry): number;
  /** The kept bytes of an entry, once they are all there. */
  data?(e: TarEntry, data: Buffer): void;
}

const BLOCK = 512;

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? slice.length : nul).toString('utf8');
}

/** A numeric header field: octal text, or big-endian base-256 when the top bit is set (GNU/star). */
function numeric(buf: Buffer, start: number, length: number): number {
  if (buf[start] & 0x80) {
    let n = buf[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + buf[i];
    return n;
  }
  const text = cString(buf, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** `%d key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = parseInt(data.subarray(i, space).toString('ascii'), 10);
    if (!(len > 0)) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

export function normaliseTarName(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

interface Pending {
  /** Values a pax header or GNU long name/link header set for the next entry. */
  path?: string;
  link?: string;
  uid?: number;
  gid?: number;
  size?: number;
}

export class TarReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current entry's data (plus padding) still to come. */
  private skip = 0;
  private capture: { entry: TarEntry | 'x' | 'L' | 'K'; parts: Buffer[]; left: number } | null =
    null;
  private next: Pending = {};
  private done = false;

  constructor(private readonly visitor: TarVisitor) {}

  get ended(): boolean {
    return this.done;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.done) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - offset);
        if (this.capture && this.capture.left > 0) {
          const take = Math.min(n, this.capture.left);
          this.capture.parts.push(Buffer.from(chunk.subarray(offset, offset + take)));
          this.capture.left -= take;
        }
        this.skip -= n;
        offset += n;
        if (this.skip === 0 && this.capture) this.finishCapture();
        continue;
      }
      const n = Math.min(BLOCK - this.pendingBytes, chunk.length - offset);
      this.pending.push(chunk.subarray(offset, offset + n));
      this.pendingBytes += n;
      offset += n;
      if (this.pendingBytes === BLOCK) {
        const header = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.header(header);
      }
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    const type = String.fromCharCode(block[156] || 0x30);
    const headerSize = numeric(block, 124, 12);
    const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L' || type === 'K') {
      this.skip = padded(headerSize);
      this.capture = { entry: type, parts: [], left: headerSize };
      if (this.skip === 0) this.finishCapture();
      return;
    }
    if (type === 'g') {
      this.skip = padded(headerSize);
      return;
    }
    const magic = cString(block, 257, 6);
    const prefix = magic === 'ustar' ? cString(block, 345, 155) : '';
    let name = cString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    const p = this.next;
    this.next = {};
    const size = p.size ?? headerSize;
    const entry: TarEntry = {
      name: normaliseTarName(p.path ?? name),
      type,
      mode: numeric(block, 100, 8),
      uid: p.uid ?? numeric(block, 108, 8),
      gid: p.gid ?? numeric(block, 116, 8),
      size,
      link: p.link ?? cString(block, 157, 100),
    };
    // Links and folders carry no data, whatever their size field says.
    const dataSize = type === '1' || type === '2' || type === '5' ? 0 : size;
    const want = Math.min(this.visitor.entry(entry), dataSize);
    this.skip = padded(dataSize);
    if (want > 0) this.capture = { entry, parts: [], left: want };
  }

  private finishCapture(): void {
    const { entry, parts } = this.capture!;
    this.capture = null;
    const data = Buffer.concat(parts);
    if (entry === 'L') this.next.path = cString(data, 0, data.length);
    else if (entry === 'K') this.next.link = cString(data, 0, data.length);
    else if (entry === 'x') {
      const pax = paxRecords(data);
      const num = (k: string) => (pax.has(k) ? Number(pax.get(k)) : undefined);
      if (pax.has('path')) this.next.path = pax.get('path');
      if (pax.has('linkpath')) this.next.link = pax.get('linkpath');
      if (num('uid') !== undefined) this.next.uid = num('uid');
      if (num('gid') !== undefined) this.next.gid = num('gid');
      if (num('size') !== undefined) this.next.size = num('size');
    } else this.visitor.data?.(entry, data);
  }
}

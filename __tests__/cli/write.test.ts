import fs from 'fs';
import path from 'path';
import { writeAtomic } from '../../src/cli/write';
import { makeIo, makeTree } from '../helpers/cli';

describe('writeAtomic', () => {
  it('replaces the content and keeps the mode', () => {
    const root = makeTree({ Dockerfile: 'old\n' });
    const file = path.join(root, 'Dockerfile');
    fs.chmodSync(file, 0o600);
    writeAtomic(file, 'new\n', 'old\n', makeIo(root));
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite a file that changed since it was read', () => {
    const root = makeTree({ Dockerfile: 'edited meanwhile\n' });
    const file = path.join(root, 'Dockerfile');
    expect(() => writeAtomic(file, 'new\n', 'old\n', makeIo(root))).toThrow(/changed on disk/);
    expect(fs.readFileSync(file, 'utf8')).toBe('edited meanwhile\n');
  });

  it('leaves the old file and no temporary file when the write fails midway', () => {
    const root = makeTree({ Dockerfile: 'old\n' });
    const file = path.join(root, 'Dockerfile');
    const io = makeIo(root);
    const failingFs = {
      ...fs,
      writeSync: () => {
        const e = new Error('no space') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      },
    };
    expect(() =>
      writeAtomic(file, 'new\n', 'old\n', {
        ...io,
        fs: failingFs as unknown as typeof fs,
      }),
    ).toThrow(/no space left on device/);
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(root)).toEqual(['Dockerfile']);
  });

  it('leaves the old file when the rename fails', () => {
    const root = makeTree({ Dockerfile: 'old\n' });
    const file = path.join(root, 'Dockerfile');
    const io = makeIo(root);
    const failingFs = {
      ...fs,
      renameSync: () => {
        const e = new Error('perm') as NodeJS.ErrnoException;
        e.code = 'EACCES';
        throw e;
      },
    };
    expect(() =>
      writeAtomic(file, 'new\n', 'old\n', {
        ...io,
        fs: failingFs as unknown as typeof fs,
      }),
    ).toThrow(/permission denied/);
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(root)).toEqual(['Dockerfile']);
  });
});

/**
 * ZLIB (RFC 1950) DEFLATE (RFC 1951) through pako, synchronously and in every runtime.
 *
 * Why pako and not `CompressionStream`: the draft's vectors were produced by canonical zlib
 * at level 9. Node's and Chromium's zlib use a different match-finder hash, so neither
 * `node:zlib` nor `CompressionStream('deflate')` (level 6, no level option) reproduces
 * them; pako 3 with `legacyHash: true` does, byte for byte. Inflate runs over pako's
 * low-level stream API so the output is bounded while it is produced (decompression
 * bombs stop at the limit) and trailing bytes after the stream are refused.
 *
 * @module
 */

import { ComityError, concatBytes } from '@comity/core';
import { deflate, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, ZStream, zlibInflate, zlibInflateEnd, zlibInflateInit2 } from 'pako';
import { statusError } from '../errors.js';

const CHUNK = 64 * 1024;

/** Compresses with zlib framing at the highest level, as §4.1 recommends. */
export function zlibCompress(bytes: Uint8Array): Uint8Array {
  return deflate(bytes, { level: 9, legacyHash: true });
}

/**
 * Decompresses a zlib stream whose output must not exceed `maxBytes`.
 *
 * @throws ComityError `ERR_STATUS_LIST_CORRUPT`, `ERR_STATUS_LIST_TOO_LARGE`
 */
export function zlibDecompress(input: Uint8Array, maxBytes: number): Uint8Array {
  const strm = new ZStream();
  // windowBits 15 without +32: zlib framing only (no gzip, no raw deflate).
  if (zlibInflateInit2(strm, 15) !== Z_OK) throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list could not be decompressed');
  strm.input = input;
  strm.next_in = 0;
  strm.avail_in = input.length;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const room = Math.min(CHUNK, maxBytes - total + 1);
      const out = new Uint8Array(room);
      strm.output = out;
      strm.next_out = 0;
      strm.avail_out = room;
      const inBefore = strm.avail_in;
      const status = zlibInflate(strm, Z_NO_FLUSH);
      const produced = strm.next_out;
      total += produced;
      if (total > maxBytes) throw statusError('ERR_STATUS_LIST_TOO_LARGE', 'the decompressed status list exceeds the size limit', { maxBytes });
      if (produced > 0) chunks.push(out.subarray(0, produced));
      if (status === Z_STREAM_END) break;
      if (status !== Z_OK && status !== Z_BUF_ERROR) throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list is not a valid zlib stream');
      // No progress with no input left: the stream is truncated.
      if (produced === 0 && strm.avail_in === inBefore) throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list zlib stream is truncated');
    }
    if (strm.avail_in !== 0) throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list has bytes after the zlib stream');
  } catch (cause) {
    if (cause instanceof ComityError) throw cause;
    throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list could not be decompressed', undefined, cause);
  } finally {
    zlibInflateEnd(strm);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}

import { PassThrough, Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { MalformedEncoding, UnsupportedMediaType } from './body-errors';

const DECOMPRESSORS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Bodies sent with `Content-Encoding: gzip`, `deflate` or `br` are decompressed before any parser
 * reads them (Fastify has no decompression of its own); another encoding is a 415. The body limit
 * applies to the decompressed bytes, so a small zip bomb is a 413 too. A body that does not
 * decompress is a 400 `malformed-encoding`.
 */
export function decompressBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity')
      return done(null, payload);
    const decompressor = DECOMPRESSORS[encoding];
    if (!decompressor)
      return done(
        new UnsupportedMediaType(`The content encoding "${encoding}" is not supported.`),
        payload,
      );
    done(null, decompressed(payload, decompressor()));
  });
}

/**
 * The decompressed body, counting the bytes received (`receivedEncodedLength`, which Fastify
 * compares with Content-Length) and turning zlib's errors into the client's fault they are.
 */
function decompressed(payload: Readable, inflate: Transform): Readable {
  const body = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  body.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (body.receivedEncodedLength += chunk.length));
  payload.on('error', (error) => body.destroy(error));
  inflate.on('error', () => body.destroy(new MalformedEncoding()));
  payload.pipe(inflate).pipe(body);
  return body;
}

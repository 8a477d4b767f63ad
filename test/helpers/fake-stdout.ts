import {PassThrough} from 'node:stream';

/** A stand-in for the terminal's stdout: records what is written and has a size, like a TTY. */
export function fakeStdout(size: {columns: number; rows: number}): NodeJS.WriteStream & {written: string} {
	const stream = new PassThrough() as unknown as NodeJS.WriteStream & {written: string};
	stream.written = '';
	stream.on('data', (chunk: Buffer) => (stream.written += chunk.toString()));
	Object.assign(stream, {...size, isTTY: true});
	return stream;
}

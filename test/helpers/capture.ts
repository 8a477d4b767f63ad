import {Writable} from 'node:stream';

/** A writable that keeps everything written to it as text (a command's stdout or stderr in tests). */
export class Capture extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) {
		this.text += chunk.toString();
		done();
	}
}

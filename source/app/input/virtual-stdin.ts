import {PassThrough} from 'node:stream';

/**
 * The stdin Ink reads. vmux owns the real stdin (raw bytes must reach SSH channels untouched, which Ink's
 * `useInput` cannot do), and forwards to this stream only what the app's own views should see.
 *
 * Object mode, one key per chunk: Ink hands a whole read to `useInput` as one string, so keys typed faster
 * than a frame ("/jump⏎" in one burst) would otherwise reach the views as a single unknown key.
 */
export class VirtualStdin extends PassThrough {
	readonly isTTY = true;

	constructor() {
		super({objectMode: true});
	}

	override setEncoding(_encoding: BufferEncoding): this {
		// Chunks are already strings.
		return this;
	}

	setRawMode(_mode: boolean): this {
		// The real stdin's raw mode is set once by full-screen.ts; Ink's toggling must not reach it.
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

import {PassThrough} from 'node:stream';

/**
 * The stdin Ink reads. vmux owns the real stdin (raw bytes must reach SSH channels untouched, which Ink's
 * `useInput` cannot do), and forwards to this stream only what the app's own views should see.
 */
export class VirtualStdin extends PassThrough {
	readonly isTTY = true;

	constructor() {
		super({encoding: 'utf8'});
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

/**
 * A deadline for the SSH handshake that counts only the time vmux waits on the network and the server, not the time
 * the user takes to answer (compare a host key's fingerprint, type a password, sign in with a device code). ssh2's own
 * `readyTimeout` runs until the login succeeds, so a user who took 20 s to compare a fingerprint lost the handshake,
 * and the answer with it. Questions may overlap; the clock runs again once none is open.
 */
export class HandshakeClock {
	private remainingMs: number;
	private startedAt: number | undefined;
	private timer: NodeJS.Timeout | undefined;
	private open = 0;
	private done = false;

	constructor(
		limitMs: number,
		private readonly onTimeout: () => void,
	) {
		this.remainingMs = limitMs;
	}

	/** Starts (or resumes) counting, unless a question is open. */
	start(): void {
		if (this.done || this.open > 0 || this.timer) return;
		this.startedAt = Date.now();
		this.timer = setTimeout(() => {
			this.done = true;
			this.timer = undefined;
			this.onTimeout();
		}, Math.max(0, this.remainingMs));
	}

	/** Runs `ask` with the clock stopped. */
	async whileAsking<T>(ask: () => Promise<T>): Promise<T> {
		this.pause();
		try {
			return await ask();
		} finally {
			this.resume();
		}
	}

	/** Stops the clock until `resume` (for questions that are not one promise: the device-code dialog). */
	pause(): void {
		this.open += 1;
		if (!this.timer) return;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.remainingMs -= Date.now() - (this.startedAt ?? Date.now());
	}

	resume(): void {
		this.open = Math.max(0, this.open - 1);
		this.start();
	}

	stop(): void {
		this.done = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}
}

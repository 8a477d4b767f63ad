import {connect} from 'node:net';
import type {Duplex} from 'node:stream';
import type {Transport} from '../session/types.js';

/** Plain TCP to the VM's sshd (public IP, VPN, or the lab's loopback servers). */
export class DirectTransport implements Transport {
	readonly description: string;

	constructor(
		private readonly host: string,
		private readonly port: number,
		private readonly timeoutMs = 15_000,
	) {
		this.description = `${host}:${port}`;
	}

	open(signal: AbortSignal): Promise<Duplex> {
		return new Promise((resolve, reject) => {
			const socket = connect({host: this.host, port: this.port});
			socket.setNoDelay(true);
			const timer = setTimeout(() => {
				socket.destroy();
				reject(Object.assign(new Error(`connect timed out after ${this.timeoutMs / 1000} s`), {code: 'ETIMEDOUT'}));
			}, this.timeoutMs);
			const onAbort = () => {
				clearTimeout(timer);
				socket.destroy();
				reject(new Error('aborted'));
			};
			signal.addEventListener('abort', onAbort, {once: true});
			socket.once('connect', () => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				resolve(socket);
			});
			socket.once('error', error => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				reject(error);
			});
		});
	}
}

import {isIP, type Socket} from 'node:net';

/**
 * The server side of a SOCKS5 handshake (RFC 1928), just what `ssh -D` offers: no authentication (method 0x00),
 * the CONNECT command, IPv4, IPv6 and domain-name addresses. The name is not resolved here: it goes through the
 * SSH connection as it is, so the VM's DNS answers (as `curl --socks5-hostname` expects). Anything else gets the
 * RFC's refusal codes and the socket is closed. No maintained npm server lets the outgoing connection be an ssh2
 * channel without pulling in its own networking, hence these few lines.
 */

export interface SocksTarget {
	host: string;
	port: number;
}

/** RFC 1928 §6 reply codes. */
export const SOCKS_REPLY = {succeeded: 0x00, generalFailure: 0x01, notAllowed: 0x02, networkUnreachable: 0x03, hostUnreachable: 0x04, refused: 0x05, commandNotSupported: 0x07, addressNotSupported: 0x08} as const;

/** The most a handshake may take before the client is cut off (a port scanner or a stuck client). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Reads the greeting and the request from `socket`, and resolves with the target; the caller opens the way there
 * and answers with `reply`. Rejects (after answering and closing the socket) on anything this server does not do.
 */
export function socksHandshake(socket: Socket): Promise<{target: SocksTarget; reply(code: number): void; rest: Buffer}> {
	return new Promise((resolve, reject) => {
		let buffer = Buffer.alloc(0);
		let stage: 'greeting' | 'request' = 'greeting';
		const timer = setTimeout(() => fail(new Error('the SOCKS client did not finish its handshake in time')), HANDSHAKE_TIMEOUT_MS);
		timer.unref();
		const done = () => {
			clearTimeout(timer);
			socket.off('data', onData);
			socket.off('error', onError);
			socket.off('close', onClose);
		};
		const fail = (error: Error, answer?: Buffer) => {
			done();
			if (answer && !socket.destroyed) socket.end(answer);
			else socket.destroy();
			reject(error);
		};
		const onError = (error: Error) => fail(error);
		const onClose = () => fail(new Error('the SOCKS client closed the connection during its handshake'));
		const onData = (chunk: Buffer) => {
			buffer = Buffer.concat([buffer, chunk]);
			if (buffer.length > 600) return fail(new Error('the SOCKS handshake is too long'));
			if (stage === 'greeting') {
				if (buffer.length < 2) return;
				if (buffer[0] !== 0x05) return fail(new Error(`not a SOCKS5 client (version byte ${buffer[0]})`));
				const count = buffer[1]!;
				if (buffer.length < 2 + count) return;
				const methods = buffer.subarray(2, 2 + count);
				buffer = buffer.subarray(2 + count);
				if (!methods.includes(0x00)) return fail(new Error('the SOCKS client offers no method without authentication'), Buffer.from([0x05, 0xff]));
				socket.write(Buffer.from([0x05, 0x00]));
				stage = 'request';
			}
			if (buffer.length < 5) return;
			if (buffer[0] !== 0x05) return fail(new Error('bad SOCKS5 request'), reply(SOCKS_REPLY.generalFailure));
			const command = buffer[1]!;
			const type = buffer[3]!;
			let host: string;
			let at: number;
			if (type === 0x01) {
				if (buffer.length < 10) return;
				host = [...buffer.subarray(4, 8)].join('.');
				at = 8;
			} else if (type === 0x04) {
				if (buffer.length < 22) return;
				const words: string[] = [];
				for (let i = 0; i < 8; i++) words.push(buffer.readUInt16BE(4 + i * 2).toString(16));
				host = words.join(':');
				at = 20;
			} else if (type === 0x03) {
				const length = buffer[4]!;
				if (buffer.length < 5 + length + 2) return;
				host = buffer.subarray(5, 5 + length).toString('latin1');
				at = 5 + length;
			} else {
				return fail(new Error(`SOCKS address type ${type} is not supported`), reply(SOCKS_REPLY.addressNotSupported));
			}
			const port = buffer.readUInt16BE(at);
			const rest = buffer.subarray(at + 2);
			if (command !== 0x01) return fail(new Error(`SOCKS command ${command} is not supported (only CONNECT)`), reply(SOCKS_REPLY.commandNotSupported));
			if (!host || (type === 0x03 && isIP(host) === 0 && !/^[A-Za-z0-9._-]+$/.test(host))) return fail(new Error('bad SOCKS host name'), reply(SOCKS_REPLY.hostUnreachable));
			done();
			resolve({target: {host, port}, rest, reply: code => socket.write(reply(code))});
		};
		socket.on('data', onData);
		socket.on('error', onError);
		socket.on('close', onClose);
	});
}

/** A reply with the bound address left as 0.0.0.0:0 (clients do not use it for CONNECT through a proxy). */
function reply(code: number): Buffer {
	return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

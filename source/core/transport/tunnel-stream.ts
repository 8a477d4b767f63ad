import type {Duplex} from 'node:stream';
import {createWebSocketStream, type WebSocket} from 'ws';

/** The largest binary frame vmux sends through a Bastion tunnel (contracts §3). */
export const MAX_TUNNEL_FRAME = 4096;

/**
 * The tunnel's byte stream over an open WebSocket. ssh2 writes packets of up to ~35 KB, and Bastion takes binary
 * frames of at most 4096 bytes, each complete (the Azure CLI sends them so; a tunnel provider reports Bastion
 * rejects continuation frames). `ws` never fragments a send, so each write leaves as consecutive sends of at
 * most `maxFrame` bytes; the write completes when the last one is written out, which keeps ssh2's backpressure.
 */
export function tunnelStream(socket: WebSocket, maxFrame = MAX_TUNNEL_FRAME): Duplex {
	const stream = createWebSocketStream(socket);
	// `_write` is the Writable implementer's hook; ws's own sends the whole chunk as one frame.
	stream._write = (chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) => {
		if (chunk.length <= maxFrame) {
			socket.send(chunk, {binary: true}, callback);
			return;
		}
		for (let offset = 0; offset < chunk.length; offset += maxFrame) {
			const last = offset + maxFrame >= chunk.length;
			socket.send(chunk.subarray(offset, offset + maxFrame), {binary: true}, last ? callback : undefined);
		}
	};
	return stream;
}

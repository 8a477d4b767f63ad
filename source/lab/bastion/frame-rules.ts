/**
 * What the lab's Bastion checks in the WebSocket frames a client sends (contracts §3): binary frames of at most
 * 4096 bytes of payload, each complete (FIN set; no continuation frames), as the Azure CLI's client sends them and
 * as a tunnel provider reports Bastion enforces. The `ws` server reassembles fragmented messages before anyone sees
 * them, so this reads the frame headers off the raw socket beside it (RFC 6455 §5.2), skipping the payloads.
 */

export const MAX_CLIENT_FRAME = 4096;

export interface FrameViolation {
	/** The WebSocket close code to answer with: 1009 (too big) or 1002 (protocol error). */
	closeCode: 1002 | 1009;
	message: string;
}

export interface ClientFrameScanner {
	/** Feeds raw bytes the client sent; returns the first rule a frame breaks, if any. */
	push(data: Buffer): FrameViolation | undefined;
	/** The largest data-frame payload seen. */
	readonly largest: number;
	/** Data frames seen. */
	readonly frames: number;
}

const CONTINUATION = 0x0;
const TEXT = 0x1;
const BINARY = 0x2;

export function clientFrameScanner(maxPayload = MAX_CLIENT_FRAME): ClientFrameScanner {
	let pending: Buffer = Buffer.alloc(0);
	/** Payload bytes of the current frame still to pass over. */
	let skip = 0;
	let largest = 0;
	let frames = 0;

	const push = (data: Buffer): FrameViolation | undefined => {
		let rest = data;
		if (skip > 0) {
			const passed = Math.min(skip, rest.length);
			skip -= passed;
			rest = rest.subarray(passed);
		}
		pending = pending.length === 0 ? rest : Buffer.concat([pending, rest]);
		for (;;) {
			if (pending.length < 2) return undefined;
			const first = pending[0]!;
			const second = pending[1]!;
			const fin = (first & 0x80) !== 0;
			const opcode = first & 0x0f;
			const masked = (second & 0x80) !== 0;
			const short = second & 0x7f;
			const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
			const headerLength = 2 + extended + (masked ? 4 : 0);
			if (pending.length < headerLength) return undefined;
			const length = short === 126 ? pending.readUInt16BE(2) : short === 127 ? Number(pending.readBigUInt64BE(2)) : short;
			if (opcode === CONTINUATION) {
				return {closeCode: 1002, message: 'Continuation frames are not accepted: send each chunk as one complete binary frame.'};
			}
			if (opcode === TEXT || opcode === BINARY) {
				frames += 1;
				largest = Math.max(largest, length);
				if (!fin) return {closeCode: 1002, message: 'Fragmented messages are not accepted: send each chunk as one complete binary frame.'};
				if (length > maxPayload) return {closeCode: 1009, message: `Frames of more than ${maxPayload} bytes are not accepted (got ${length}).`};
			}
			const available = pending.length - headerLength;
			if (available >= length) {
				pending = pending.subarray(headerLength + length);
				continue;
			}
			skip = length - available;
			pending = Buffer.alloc(0);
			return undefined;
		}
	};

	return {
		push,
		get largest() {
			return largest;
		},
		get frames() {
			return frames;
		},
	};
}

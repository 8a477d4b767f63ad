import {describe, expect, it} from 'vitest';
import {FlowControl, type Chunk} from '../../../source/core/terminal/flow-control.js';

/** A sink the test completes by hand, standing in for a parser that works in its own time. */
function manualSink() {
	const received: Chunk[] = [];
	const completions: Array<() => void> = [];
	return {
		received,
		sink: (data: Chunk, done: () => void) => {
			received.push(data);
			completions.push(done);
		},
		completeOne: () => completions.shift()!(),
		get outstanding() {
			return completions.length;
		},
	};
}

describe('FlowControl', () => {
	it('asks for a pause at the high-water mark and a resume at the low-water mark', () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink, {highWaterMark: 100, lowWaterMark: 40});
		const events: boolean[] = [];
		flow.onBackpressure((paused) => events.push(paused));

		expect(flow.write('a'.repeat(50))).toBe(true);
		expect(flow.write('b'.repeat(50))).toBe(false);
		expect(events).toEqual([true]);
		expect(flow.paused).toBe(true);
		expect(flow.write('c'.repeat(20))).toBe(false);
		expect(events).toEqual([true]);

		parser.completeOne(); // 70 pending: still above the low-water mark
		expect(flow.pending).toBe(70);
		expect(events).toEqual([true]);
		parser.completeOne(); // 20 pending
		expect(events).toEqual([true, false]);
		expect(flow.paused).toBe(false);
	});

	it('holds data beyond the sink limit and hands it on in order as the sink drains', () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink, {highWaterMark: 1000, sinkLimit: 10});
		flow.write('12345');
		flow.write('67890');
		flow.write('abc');
		flow.write('def');
		expect(parser.received).toEqual(['12345', '67890']);
		expect(flow.pending).toBe(16);
		parser.completeOne();
		expect(parser.received).toEqual(['12345', '67890', 'abc']);
		parser.completeOne();
		parser.completeOne();
		expect(parser.received).toEqual(['12345', '67890', 'abc', 'def']);
		parser.completeOne();
		expect(flow.pending).toBe(0);
	});

	it('passes a chunk larger than the sink limit when the sink is empty', () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink, {sinkLimit: 4});
		flow.write('0123456789');
		expect(parser.received).toEqual(['0123456789']);
	});

	it('counts bytes of binary chunks', () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink, {highWaterMark: 8});
		expect(flow.write(new Uint8Array(8))).toBe(false);
		expect(flow.pending).toBe(8);
	});

	it('resolves drained() once everything written is processed', async () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink);
		await flow.drained();
		flow.write('x');
		flow.write('y');
		let drained = false;
		const waiting = flow.drained().then(() => (drained = true));
		parser.completeOne();
		await Promise.resolve();
		expect(drained).toBe(false);
		parser.completeOne();
		await waiting;
		expect(drained).toBe(true);
	});

	it('copes with a sink that completes synchronously', () => {
		const seen: string[] = [];
		const flow = new FlowControl(
			(data, done) => {
				seen.push(String(data));
				done();
			},
			{highWaterMark: 1},
		);
		expect(flow.write('once')).toBe(true);
		expect(seen).toEqual(['once']);
		expect(flow.pending).toBe(0);
	});

	it('ignores writes and completions after dispose', () => {
		const parser = manualSink();
		const flow = new FlowControl(parser.sink, {highWaterMark: 4});
		const events: boolean[] = [];
		flow.onBackpressure((paused) => events.push(paused));
		flow.write('12345');
		flow.dispose();
		parser.completeOne();
		flow.write('more');
		expect(events).toEqual([true]);
		expect(parser.received).toEqual(['12345']);
	});
});

import {describe, expect, it} from 'vitest';
import {FlowControl, TurnPacer, type Chunk} from '../../../source/core/terminal/flow-control.js';

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

	describe('paced by a shared TurnPacer (background terminals)', () => {
		/** A sink that parses at once, recording what it got. */
		const syncSink = (name: string, log: string[]) => (data: Chunk, done: () => void) => {
			log.push(`${name}:${String(data)}`);
			done();
		};
		const nextTurn = () => new Promise(resolve => setImmediate(resolve));

		it('hands chunks to the sink only at its turns, in order, taking turns with the other terminals', async () => {
			const log: string[] = [];
			// A budget of 0: one turn per turn of the event loop, so the rotation is exact.
			const pacer = new TurnPacer(0);
			const a = new FlowControl(syncSink('a', log));
			const b = new FlowControl(syncSink('b', log));
			a.setPacer(pacer);
			b.setPacer(pacer);
			for (const chunk of ['1', '2', '3']) a.write(chunk);
			for (const chunk of ['1', '2']) b.write(chunk);
			// Nothing is parsed inside write: the socket's data handler returns at once.
			expect(log).toEqual([]);
			// A key typed meanwhile is handled between two turns.
			let ticks = 0;
			const probe = () => {
				ticks++;
				log.push(`tick${ticks}`);
				if (a.pending + b.pending > 0) setImmediate(probe);
			};
			setImmediate(probe);
			await Promise.all([a.drained(), b.drained()]);
			const parsed = log.filter(entry => !entry.startsWith('tick'));
			expect(parsed).toEqual(['a:1', 'b:1', 'a:2', 'b:2', 'a:3']);
			// Never two parses without a tick between them.
			for (let i = 1; i < log.length; i++) expect(!log[i]!.startsWith('tick') && !log[i - 1]!.startsWith('tick')).toBe(false);
		});

		it('keeps the order when pacing ends while a chunk waits for its turn', async () => {
			const log: string[] = [];
			const pacer = new TurnPacer(0);
			const flow = new FlowControl(syncSink('t', log));
			flow.setPacer(pacer);
			flow.write('1');
			flow.write('2');
			flow.setPacer(undefined);
			flow.write('3');
			expect(log).toEqual(['t:1', 't:2', 't:3']);
			// The turn asked for before sends nothing twice.
			await nextTurn();
			await nextTurn();
			expect(log).toEqual(['t:1', 't:2', 't:3']);
			flow.setPacer(pacer);
			flow.write('4');
			await flow.drained();
			expect(log).toEqual(['t:1', 't:2', 't:3', 't:4']);
		});

		it('works through as many turns as fit in its budget before yielding', async () => {
			const log: string[] = [];
			const pacer = new TurnPacer(1000);
			const flow = new FlowControl(syncSink('t', log));
			flow.setPacer(pacer);
			// Each chunk's next turn is asked for while the batch runs: it comes in the next batch.
			flow.write('1');
			flow.write('2');
			await nextTurn();
			expect(log).toEqual(['t:1']);
			await flow.drained();
			expect(log).toEqual(['t:1', 't:2']);
			// Many terminals waiting: one batch serves them all while the budget lasts.
			const flows = Array.from({length: 5}, (_, i) => new FlowControl(syncSink(`f${i}`, log)));
			for (const f of flows) {
				f.setPacer(pacer);
				f.write('x');
			}
			log.length = 0;
			await nextTurn();
			expect(log).toEqual(['f0:x', 'f1:x', 'f2:x', 'f3:x', 'f4:x']);
		});
	});
});

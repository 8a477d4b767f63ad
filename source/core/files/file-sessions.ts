import {EventEmitter} from 'node:events';
import type {Client} from 'ssh2';
import {RemoteFs} from './remote-fs.js';
import {TransferQueue, type TransferQueueOptions} from './transfer-queue.js';

/** What a connection carries for files: one SFTP channel and its transfer queue. */
export interface FileChannel {
	fs: RemoteFs;
	queue: TransferQueue;
}

/** The tab bar's short indicator: transfers still going, and their bytes so far. */
export interface TransferSummary {
	active: number;
	bytesDone: number;
	/** Bytes of the active transfers whose size is known. */
	bytesTotal: number;
}

/**
 * The SFTP channels of the app's connections, one per connection (keyed by its owner, a session's
 * SshConnection), opened on first use on the connection's own ssh2 Client and opened again after a
 * reconnect. Transfers keep running while the file view is closed; 'change' fires when any of them moves.
 */
export class FileSessions<Owner extends object> extends EventEmitter<{change: []}> {
	private readonly channels = new Map<Owner, {client: Client; channel: FileChannel}>();
	private readonly opening = new Map<Owner, Promise<FileChannel>>();

	constructor(private readonly options: TransferQueueOptions = {}) {
		super();
	}

	/** The channel of `owner`'s connection on `client` (the connection's current ssh2 Client). */
	async channelFor(owner: Owner, client: Client): Promise<FileChannel> {
		const known = this.channels.get(owner);
		if (known && known.client === client && !known.channel.fs.isClosed) return known.channel;
		const pending = this.opening.get(owner);
		if (pending) return pending;
		const open = (async () => {
			const fs = await RemoteFs.open(client);
			// Transfers of the old channel (a reconnect) ended as failed ("connection lost"); they stay listed.
			const queue = new TransferQueue(fs, this.options);
			queue.on('change', () => this.emit('change'));
			const channel = {fs, queue};
			this.channels.set(owner, {client, channel});
			return channel;
		})();
		this.opening.set(owner, open);
		try {
			return await open;
		} finally {
			this.opening.delete(owner);
		}
	}

	/** The channel already open for `owner`, if any (the view shows its transfers). */
	existing(owner: Owner): FileChannel | undefined {
		return this.channels.get(owner)?.channel;
	}

	summary(): TransferSummary {
		const result: TransferSummary = {active: 0, bytesDone: 0, bytesTotal: 0};
		for (const {channel} of this.channels.values()) {
			for (const t of channel.queue.list()) {
				if (t.state !== 'queued' && t.state !== 'running') continue;
				result.active += 1;
				result.bytesDone += t.bytesDone;
				result.bytesTotal += t.bytesTotal ?? 0;
			}
		}
		return result;
	}

	/** Cancels `owner`'s transfers and closes its channel (its connection closed). */
	forget(owner: Owner): void {
		const known = this.channels.get(owner);
		if (!known) return;
		known.channel.queue.dispose();
		if (!known.channel.fs.isClosed) known.channel.fs.close();
		this.channels.delete(owner);
		this.emit('change');
	}

	dispose(): void {
		for (const owner of [...this.channels.keys()]) this.forget(owner);
	}
}

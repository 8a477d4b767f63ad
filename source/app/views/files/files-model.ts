import {EventEmitter} from 'node:events';
import {mkdir} from 'node:fs/promises';
import {isAbsolute, resolve} from 'node:path';
import {posix} from 'node:path';
import type {FileChannel} from '../../../core/files/file-sessions.js';
import {listLocalTree, searchLocalTree, type LocalCandidate} from '../../../core/files/local-tree.js';
import type {RemoteEntry} from '../../../core/files/remote-fs.js';
import type {TransferSnapshot} from '../../../core/files/transfer-queue.js';
import {displayText} from '../../../core/text/display-text.js';

export type FilesMode =
	| {kind: 'list'}
	| {kind: 'picker'; query: string; results: LocalCandidate[]; truncated: boolean; selected: number}
	| {kind: 'prompt'; purpose: 'mkdir' | 'rename' | 'download'; label: string; value: string};

export interface FilesSnapshot {
	/** Whose files these are (the session's VM), safe to draw. */
	title: string;
	cwd: string | undefined;
	entries: readonly RemoteEntry[];
	selected: number;
	loading: boolean;
	mode: FilesMode;
	message: {text: string; tone: 'info' | 'error'} | undefined;
	transfers: readonly TransferSnapshot[];
	/** Which list the arrows move in: the directory or the transfers (Tab switches). */
	focus: 'entries' | 'transfers';
	transferSelected: number;
}

export interface FilesModelOptions {
	title: string;
	channel: FileChannel;
	/** Where the upload picker lists files and downloads go by default. */
	localDir: string;
	/** Asks before deleting (the app's confirm dialog). */
	confirm(request: {title: string; message: string; yesLabel: string}, onYes: () => void): void;
	onClose(): void;
}

/**
 * The file view's state and actions, outside React (like the browser's model): the remote directory, the
 * upload picker, the one-line prompts (make directory, rename, download to) and the transfers of this
 * connection. Keys reach it through use-files-input; FilesView only draws the snapshot.
 */
export class FilesModel extends EventEmitter<{change: []}> {
	private state: FilesSnapshot;
	private localTree: {entries: LocalCandidate[]; truncated: boolean} | undefined;
	private readonly onQueue = () => this.update({transfers: this.options.channel.queue.list()});
	private finishedSeen = new Set<number>();

	constructor(private readonly options: FilesModelOptions) {
		super();
		this.state = {
			title: displayText(options.title),
			cwd: undefined,
			entries: [],
			selected: 0,
			loading: true,
			mode: {kind: 'list'},
			message: undefined,
			transfers: options.channel.queue.list(),
			focus: 'entries',
			transferSelected: 0,
		};
		options.channel.queue.on('change', this.onQueue);
		options.channel.queue.on('change', this.reloadOnFinish);
	}

	get snapshot(): FilesSnapshot {
		return this.state;
	}

	readonly getSnapshot = (): FilesSnapshot => this.state;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.on('change', listener);
		return () => this.off('change', listener);
	};

	dispose(): void {
		this.options.channel.queue.off('change', this.onQueue);
		this.options.channel.queue.off('change', this.reloadOnFinish);
	}

	private update(patch: Partial<FilesSnapshot>): void {
		this.state = {...this.state, ...patch};
		this.emit('change');
	}

	private say(text: string, tone: 'info' | 'error' = 'info'): void {
		this.update({message: {text: displayText(text), tone}});
	}

	/** An upload that finished into the directory on screen shows up in it. */
	private readonly reloadOnFinish = () => {
		for (const t of this.options.channel.queue.list()) {
			if (t.state === 'queued' || t.state === 'running' || this.finishedSeen.has(t.id)) continue;
			this.finishedSeen.add(t.id);
			if (t.state === 'failed' && t.error) this.say(t.error, 'error');
			else if (t.state === 'done') this.say(`${t.direction === 'upload' ? 'Uploaded' : 'Downloaded'} ${t.label} (${t.verified === 'sha256' ? 'size and sha256 checked' : 'size checked'}).`);
			if (t.direction === 'upload') void this.load(this.state.cwd ?? '.', false);
		}
	};

	async open(): Promise<void> {
		await this.load('.', true);
	}

	private async load(dir: string, resetSelection: boolean, selectName?: string): Promise<void> {
		const {fs} = this.options.channel;
		this.update({loading: true});
		try {
			const cwd = await fs.realpath(dir);
			const entries = await fs.list(cwd);
			const keep = selectName ?? (resetSelection ? undefined : this.state.entries[this.state.selected]?.name);
			const found = keep === undefined ? -1 : entries.findIndex(e => e.name === keep);
			this.update({cwd, entries, loading: false, selected: found >= 0 ? found : resetSelection ? 0 : Math.min(this.state.selected, Math.max(0, entries.length - 1))});
		} catch (error) {
			this.update({loading: false});
			this.say((error as Error).message, 'error');
		}
	}

	private get selectedEntry(): RemoteEntry | undefined {
		return this.state.entries[this.state.selected];
	}

	private remotePath(name: string): string {
		return posix.join(this.state.cwd ?? '.', name);
	}

	move(delta: number): void {
		if (this.state.focus === 'transfers') {
			const last = Math.max(0, this.state.transfers.length - 1);
			this.update({transferSelected: Math.max(0, Math.min(last, this.state.transferSelected + delta))});
			return;
		}
		const last = Math.max(0, this.state.entries.length - 1);
		this.update({selected: Math.max(0, Math.min(last, this.state.selected + delta))});
	}

	toggleFocus(): void {
		this.update({focus: this.state.focus === 'entries' && this.state.transfers.length > 0 ? 'transfers' : 'entries'});
	}

	/** Enter: into a directory; on a file, asks where to download it. */
	enter(): void {
		const entry = this.selectedEntry;
		if (!entry) return;
		if (entry.kind === 'dir') {
			void this.load(this.remotePath(entry.name), true);
			return;
		}
		if (entry.kind === 'link') {
			// A link opens as what it points to: a directory is entered, a file offered for download.
			void this.options.channel.fs.stat(this.remotePath(entry.name)).then(
				target => (target.kind === 'dir' ? this.load(this.remotePath(entry.name), true) : this.startDownload()),
				(error: Error) => this.say(error.message, 'error'),
			);
			return;
		}
		this.startDownload();
	}

	up(): void {
		const cwd = this.state.cwd;
		if (!cwd || cwd === '/') return;
		void this.load(posix.dirname(cwd), true, posix.basename(cwd));
	}

	reload(): void {
		void this.load(this.state.cwd ?? '.', false);
	}

	close(): void {
		this.options.onClose();
	}

	// The upload picker.

	startUpload(): void {
		this.localTree ??= listLocalTree(this.options.localDir);
		const {entries, truncated} = this.localTree;
		this.update({mode: {kind: 'picker', query: '', results: searchLocalTree(entries, ''), truncated, selected: 0}, message: undefined});
	}

	pickerType(text: string): void {
		const mode = this.state.mode;
		if (mode.kind !== 'picker' || !this.localTree) return;
		const query = mode.query + text;
		this.update({mode: {...mode, query, results: searchLocalTree(this.localTree.entries, query), selected: 0}});
	}

	pickerErase(): void {
		const mode = this.state.mode;
		if (mode.kind !== 'picker' || !this.localTree) return;
		const query = mode.query.slice(0, -1);
		this.update({mode: {...mode, query, results: searchLocalTree(this.localTree.entries, query), selected: 0}});
	}

	pickerMove(delta: number): void {
		const mode = this.state.mode;
		if (mode.kind !== 'picker') return;
		this.update({mode: {...mode, selected: Math.max(0, Math.min(mode.results.length - 1, mode.selected + delta))}});
	}

	/** Uploads the picked file (or directory, recursively) into the directory on screen. */
	pickerChoose(): void {
		const mode = this.state.mode;
		if (mode.kind !== 'picker') return;
		const picked = mode.results[mode.selected];
		this.update({mode: {kind: 'list'}});
		if (!picked || !this.state.cwd) return;
		this.options.channel.queue.add({direction: 'upload', localPath: picked.path, remotePath: this.state.cwd, recursive: picked.dir});
		this.say(`Uploading ${picked.label} to ${this.state.cwd}…`);
	}

	// One-line prompts.

	startMkdir(): void {
		this.update({mode: {kind: 'prompt', purpose: 'mkdir', label: 'New directory', value: ''}, message: undefined});
	}

	startRename(): void {
		const entry = this.selectedEntry;
		if (!entry) return;
		this.update({mode: {kind: 'prompt', purpose: 'rename', label: `Rename ${entry.label} to`, value: entry.label}, message: undefined});
	}

	startDownload(): void {
		const entry = this.selectedEntry;
		if (!entry) return;
		this.update({mode: {kind: 'prompt', purpose: 'download', label: `Download ${entry.label}${entry.kind === 'dir' ? '/' : ''} into`, value: this.options.localDir}, message: undefined});
	}

	promptType(text: string): void {
		const mode = this.state.mode;
		if (mode.kind !== 'prompt') return;
		// Typed text is drawn back: control characters never get in.
		this.update({mode: {...mode, value: mode.value + displayText(text)}});
	}

	promptErase(): void {
		const mode = this.state.mode;
		if (mode.kind !== 'prompt') return;
		this.update({mode: {...mode, value: mode.value.slice(0, -1)}});
	}

	cancelMode(): void {
		this.update({mode: {kind: 'list'}});
	}

	async promptSubmit(): Promise<void> {
		const mode = this.state.mode;
		if (mode.kind !== 'prompt') return;
		const value = mode.value.trim();
		const entry = this.selectedEntry;
		this.update({mode: {kind: 'list'}});
		if (value === '') return;
		const {fs, queue} = this.options.channel;
		try {
			if (mode.purpose === 'mkdir') {
				if (value.includes('/')) return this.say('A directory name cannot hold "/"; make one level at a time.', 'error');
				await fs.mkdir(this.remotePath(value));
				this.say(`Made the directory ${value}.`);
				await this.load(this.state.cwd ?? '.', false, value);
			} else if (mode.purpose === 'rename' && entry) {
				if (value.includes('/')) return this.say('A name cannot hold "/".', 'error');
				await fs.rename(this.remotePath(entry.name), this.remotePath(value));
				this.say(`Renamed ${entry.label} to ${value}.`);
				await this.load(this.state.cwd ?? '.', false, value);
			} else if (mode.purpose === 'download' && entry) {
				const into = isAbsolute(value) ? value : resolve(this.options.localDir, value);
				// The prompt names a directory to download into: made when it is not there yet.
				await mkdir(into, {recursive: true});
				queue.add({direction: 'download', localPath: into, remotePath: this.remotePath(entry.name), recursive: entry.kind === 'dir'});
				this.say(`Downloading ${entry.label} to ${into}…`);
			}
		} catch (error) {
			this.say((error as Error).message, 'error');
		}
	}

	/** d: asks, naming the file, then deletes it (a directory with everything in it). */
	remove(): void {
		const entry = this.selectedEntry;
		if (!entry) return;
		const path = this.remotePath(entry.name);
		this.options.confirm(
			{
				title: `Delete ${entry.label}${entry.kind === 'dir' ? '/ and everything in it' : ''}?`,
				message: `${displayText(path)} will be removed from the VM for good.`,
				yesLabel: 'delete',
			},
			() => {
				void this.options.channel.fs.remove(path).then(
					() => {
						this.say(`Deleted ${entry.label}.`);
						return this.load(this.state.cwd ?? '.', false);
					},
					(error: Error) => this.say(error.message, 'error'),
				);
			},
		);
	}

	/** x: cancels the selected transfer (the transfers list), or the newest running one. */
	cancelTransfer(): void {
		const transfers = this.state.transfers;
		const chosen =
			this.state.focus === 'transfers' ? transfers[this.state.transferSelected] : [...transfers].reverse().find(t => t.state === 'running' || t.state === 'queued');
		if (!chosen) return this.say('No transfer to cancel.');
		if (this.options.channel.queue.cancel(chosen.id)) this.say(`Cancelled ${chosen.label}${chosen.direction === 'download' ? ' (a later download resumes it)' : ''}.`);
	}
}

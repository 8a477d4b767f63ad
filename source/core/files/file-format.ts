/** How the file view and `vmux cp` write sizes, modes, rates and times. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `1536` -> `1.5 KB` (binary multiples, as ls -h and scp show them). */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '?';
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit += 1;
	}
	return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Bytes per second as `12 MB/s`. */
export function formatRate(bytesPerSecond: number): string {
	return `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`;
}

/** Seconds left as `42s`, `3m05s`, `1h02m`; `--` when unknown. */
export function formatEta(seconds: number | undefined): string {
	if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const S_IFMT = 0o170000;
const TYPE_CHARS = new Map<number, string>([
	[0o040000, 'd'],
	[0o120000, 'l'],
	[0o100000, '-'],
	[0o020000, 'c'],
	[0o060000, 'b'],
	[0o010000, 'p'],
	[0o140000, 's'],
]);

/** A POSIX mode as ls prints it: `0o100755` -> `-rwxr-xr-x`, with setuid/setgid/sticky letters. */
export function formatMode(mode: number): string {
	const type = TYPE_CHARS.get(mode & S_IFMT) ?? '?';
	const bit = (mask: number, char: string) => (mode & mask ? char : '-');
	const exec = (execMask: number, specialMask: number, special: string) => {
		const x = mode & execMask;
		const s = mode & specialMask;
		if (s) return x ? special : special.toUpperCase();
		return x ? 'x' : '-';
	};
	return (
		type +
		bit(0o400, 'r') +
		bit(0o200, 'w') +
		exec(0o100, 0o4000, 's') +
		bit(0o040, 'r') +
		bit(0o020, 'w') +
		exec(0o010, 0o2000, 's') +
		bit(0o004, 'r') +
		bit(0o002, 'w') +
		exec(0o001, 0o1000, 't')
	);
}

/** A modification time (seconds since the epoch) as `2026-12-02 12:40` in local time. */
export function formatMtime(seconds: number): string {
	const d = new Date(seconds * 1000);
	if (Number.isNaN(d.getTime())) return '?';
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "40 s", "3 min", "2 h", "5 d": how old something is, for status lines. */
export function formatAge(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.round(s / 60)} min`;
	if (s < 86_400) return `${Math.round(s / 3600)} h`;
	return `${Math.round(s / 86_400)} d`;
}

import type {LayoutGeometry, Rect} from '../../core/layout/layout-geometry.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import {charWidth} from '../../core/terminal/unicode-width.js';
import {displayText} from '../../core/text/display-text.js';
import {sessionBadge} from '../components/TabBar.js';

/**
 * The lines between a split tab's panes, drawn by the pane painter (not Ink, whose frames cost tens of ms):
 * a title row on top of each pane (tmux's `pane-border-status top`) with its VM and state, and one-column
 * borders between side-by-side panes. The active pane's title and the borders beside it are green, the
 * rest dim, so where keys go is visible at a glance.
 */

const ACTIVE = '\x1b[1;32m';
const INACTIVE = '\x1b[2m';
const RESET = '\x1b[0m';
const SGR_COLOURS: Record<string, string> = {green: '32', yellow: '33', red: '31', gray: '90'};

/** One screen segment the painter writes: its place and the styled text (exactly `cols` cells wide). */
export interface ChromeSegment {
	x: number;
	y: number;
	text: string;
}

export interface PaneTitleInfo {
	/** The pane's place in the tab's reading order. */
	number: number;
	active: boolean;
	/** Typed input goes to it too (broadcast). */
	receiving: boolean;
	/** In broadcast's scope but not connected: it gets nothing. */
	skipped?: boolean;
	/** Shows its copy-mode position instead of its state. */
	note?: string;
}

/** Text cut to `cols` cells (wide characters count two), padded with `fill`. */
export function fitCells(text: string, cols: number, fill = ' '): string {
	let out = '';
	let used = 0;
	for (const char of text) {
		const width = charWidth(char.codePointAt(0)!);
		if (used + width > cols) break;
		out += char;
		used += width;
	}
	return out + fill.repeat(Math.max(0, cols - used));
}

/** A pane's title row: `─ 1 web-01 ● open ───…`, the whole row in the pane's colour. */
export function paneTitle(session: ShellSession, info: PaneTitleInfo, cols: number): string {
	const badge = sessionBadge(session);
	const state = info.note ?? badge.word;
	const flags = info.receiving ? ' » BROADCAST' : info.skipped ? ' broadcast skipped' : '';
	const body = fitCells(`─ ${info.number} ${displayText(session.label)} ${badge.glyph} ${state}${flags} `, cols, '─');
	if (!info.active) return `${INACTIVE}${body}${RESET}`;
	// The glyph keeps its state colour inside the green title, so a dropped pane shows red even when active.
	const glyphAt = body.indexOf(badge.glyph);
	const colour = SGR_COLOURS[badge.colour] ?? '32';
	if (glyphAt < 0) return `${ACTIVE}${body}${RESET}`;
	return `${ACTIVE}${body.slice(0, glyphAt)}\x1b[22;${colour}m${badge.glyph}${ACTIVE}${body.slice(glyphAt + badge.glyph.length)}${RESET}`;
}

/** The segments of every title row and border of a split tab; none for a tab with one pane or a zoomed one. */
export function chromeSegments(geometry: LayoutGeometry<ShellSession>, origin: {top: number}, titleInfo: (session: ShellSession, number: number) => PaneTitleInfo, visibleRows: number): ChromeSegment[] {
	const segments: ChromeSegment[] = [];
	const infos = geometry.panes.map((placement, index) => titleInfo(placement.pane, index));
	const active = geometry.panes.find((_, index) => infos[index]!.active)?.rect;
	geometry.panes.forEach((placement, index) => {
		if (!placement.titled || placement.rect.y >= visibleRows) return;
		segments.push({x: placement.rect.x, y: origin.top + placement.rect.y, text: paneTitle(placement.pane, infos[index]!, placement.rect.cols)});
	});
	for (const border of geometry.borders) {
		for (let row = border.y; row < Math.min(border.y + border.rows, visibleRows); row++) {
			const lit = active !== undefined && beside(active, border.x, row);
			segments.push({x: border.x, y: origin.top + row, text: `${lit ? ACTIVE : INACTIVE}│${RESET}`});
		}
	}
	return segments;
}

/** Whether the border cell at (x, row) touches the rectangle's left or right side. */
function beside(rect: Rect, x: number, row: number): boolean {
	return row >= rect.y && row < rect.y + rect.rows && (x === rect.x - 1 || x === rect.x + rect.cols);
}

import {describe, expect, it} from 'vitest';
import {SessionWindow} from '../../../source/core/session/session-window.js';

const AREA = {x: 0, y: 0, cols: 120, rows: 38};

describe('SessionWindow (a tab of panes)', () => {
	it('goes back to the pane used before when the active one closes, as tmux does', () => {
		const window = new SessionWindow('a');
		window.split('a', 'b', 'side-by-side', AREA);
		window.split('b', 'c', 'stacked', AREA);
		window.activate('a');
		window.activate('c');
		expect(window.remove('c')).toBe(false);
		expect(window.active).toBe('a');
		expect(window.remove('a')).toBe(false);
		expect(window.active).toBe('b');
		expect(window.remove('b')).toBe(true);
	});

	it('zooms only with two panes or more, and any move between panes leaves the zoom', () => {
		const window = new SessionWindow('a');
		expect(window.toggleZoom()).toBe(false);
		window.split('a', 'b', 'side-by-side', AREA);
		expect(window.toggleZoom()).toBe(true);
		expect(window.visiblePanes).toEqual(['b']);
		expect(window.geometry(AREA).panes).toEqual([{pane: 'b', rect: AREA, content: AREA, titled: false}]);
		// The others keep their place meanwhile (their PTYs keep their size).
		expect(window.geometry(AREA, true).panes).toHaveLength(2);
		expect(window.selectDirection('left', AREA)).toBe(true);
		expect(window.zoomed).toBe(false);
		window.toggleZoom();
		window.nextPane();
		expect(window.zoomed).toBe(false);
		expect(window.active).toBe('b');
		// Closing down to one pane leaves the zoom too.
		window.toggleZoom();
		window.remove('a');
		expect(window.zoomed).toBe(false);
	});

	it('cycles the preset layouts, skipping one that leaves a pane too small', () => {
		const window = new SessionWindow('p0');
		for (let i = 1; i < 8; i++) window.split(`p${i - 1}`, `p${i}`, 'stacked', {...AREA, rows: 100});
		expect(window.nextLayout(AREA)).toBe('even-horizontal');
		// Eight panes stacked need 16 rows; in 12 rows even-vertical does not fit, so tiled comes next.
		expect(window.nextLayout({...AREA, rows: 12})).toBe('tiled');
		expect(window.nextLayout(AREA)).toBe('even-horizontal');
		expect(new SessionWindow('x').nextLayout(AREA)).toBeUndefined();
	});

	it('refuses a split that does not fit and changes nothing', () => {
		const window = new SessionWindow('a');
		expect(window.split('a', 'b', 'side-by-side', {...AREA, cols: 4})).toBe(false);
		expect(window.panes).toEqual(['a']);
		expect(window.active).toBe('a');
	});
});

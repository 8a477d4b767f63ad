import type {TabPosition} from '../components/TabBar.js';
import type {TabHitTest} from './mouse-flow.js';

/** The screen row the tab bar is drawn on (App puts it first). */
export const TAB_BAR_ROW = 0;

/**
 * Where the tab bar last drew each tab. The TabBar reports its layout here as it renders (the same pure
 * `tabPositions` it draws from), so a click lands on the tab that is on screen, scrolled bar and markers included.
 */
export class TabHits implements TabHitTest {
	private tabs: readonly TabPosition[] = [];

	/** The TabBar drew these tabs (bound, so it can be passed as a prop). */
	readonly drawn = (tabs: readonly TabPosition[]): void => {
		this.tabs = tabs;
	};

	tabAt(x: number, y: number): number | undefined {
		if (y !== TAB_BAR_ROW) return undefined;
		return this.tabs.find(tab => x >= tab.from && x < tab.to)?.index;
	}
}

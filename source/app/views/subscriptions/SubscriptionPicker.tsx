import {useEffect, useState} from 'react';
import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import {useLiveState} from '../../hooks/use-live-state.js';

export interface SubscriptionChoice {
	id: string;
	name: string;
	state: string;
}

export interface SubscriptionPickerProps {
	load(): Promise<SubscriptionChoice[]>;
	/** The ids chosen now; empty means every subscription. */
	selected: readonly string[];
	onSave(ids: string[]): void;
	onCancel(): void;
	width: number;
	height: number;
}

/** `s` in the browser: which subscriptions the browser lists. Space toggles, `a` all, Enter saves. */
export function SubscriptionPicker({load, selected, onSave, onCancel, width, height}: SubscriptionPickerProps) {
	const [getSubscriptions, setSubscriptions] = useLiveState<SubscriptionChoice[] | undefined>(undefined);
	const [error, setError] = useState<string | undefined>();
	const [getChosen, setChosen] = useLiveState<Set<string>>(() => new Set(selected));
	const [getCursor, setCursor] = useLiveState(0);
	useEffect(() => {
		let live = true;
		load()
			.then(list => live && setSubscriptions(list))
			.catch((failure: Error) => live && setError(failure.message));
		return () => {
			live = false;
		};
	}, [load]);
	useInput((input, key) => {
		if (key.escape || input === 'q') return onCancel();
		const subscriptions = getSubscriptions();
		if (!subscriptions) return;
		const cursor = getCursor();
		if (key.upArrow || input === 'k') return setCursor(c => Math.max(0, c - 1));
		if (key.downArrow || input === 'j') return setCursor(c => Math.min(subscriptions.length - 1, c + 1));
		if (input === ' ') {
			const id = subscriptions[cursor]?.id;
			if (!id) return;
			return setChosen(previous => {
				// Nothing checked means all: unchecking one of "all" leaves the others checked.
				const next = previous.size === 0 ? new Set(subscriptions.map(s => s.id)) : new Set(previous);
				if (next.has(id)) next.delete(id);
				else next.add(id);
				return next;
			});
		}
		if (input === 'a') return setChosen(new Set());
		if (key.return) onSave(subscriptions.filter(s => getChosen().has(s.id)).map(s => s.id));
	});
	const subscriptions = getSubscriptions();
	const chosen = getChosen();
	const cursor = getCursor();
	const all = chosen.size === 0;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold> Subscriptions</Text>
			<Text dimColor> The browser lists the checked subscriptions; none checked means all of them.</Text>
			<Text> </Text>
			{error ? <Text color="red"> {error}</Text> : null}
			{!subscriptions && !error ? <Text dimColor> Loading subscriptions…</Text> : null}
			{subscriptions?.map((subscription, index) => (
				<Text key={subscription.id} inverse={index === cursor} wrap="truncate">
					{index === cursor ? ' ▸ ' : '   '}
					{all || chosen.has(subscription.id) ? '[x] ' : '[ ] '}
					{subscription.name.padEnd(28)} <Text dimColor>{subscription.id}</Text>
					{subscription.state !== 'Enabled' ? <Text color="yellow"> {subscription.state}</Text> : null}
				</Text>
			))}
			<Text> </Text>
			<Text dimColor> Space toggles · a all · Enter saves · Esc cancels</Text>
		</Box>
	);
}

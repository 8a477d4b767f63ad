import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import {useEffect, useRef, useState} from 'react';
import type {SecretPickerProps} from './ProfileEditor.js';

/**
 * The Key Vault picker behind the editor's seam: subscription -> vault -> secret, each listed from Azure by a
 * loader the app supplies (so this view knows nothing of SDKs or credentials). A failed list shows the loader's
 * sentence — which names the missing role or permission — and Esc goes back, so the user can still type by hand.
 */

export interface SubscriptionOption {
	subscriptionId: string;
	displayName: string;
}

export interface VaultOption {
	name: string;
	vaultUrl: string;
	resourceGroup?: string;
}

export interface SecretOption {
	name: string;
	enabled?: boolean;
	contentType?: string;
}

export interface KeyVaultPickerProps extends SecretPickerProps {
	/** Subscriptions already known (the inventory's); otherwise `loadSubscriptions` is called. */
	subscriptions?: SubscriptionOption[];
	loadSubscriptions?: () => Promise<SubscriptionOption[]>;
	loadVaults(subscriptionId: string): Promise<VaultOption[]>;
	loadSecrets(vaultUrl: string): Promise<SecretOption[]>;
	isActive?: boolean;
}

type Step = 'subscription' | 'vault' | 'secret';
type Listing<T> = {status: 'loading'} | {status: 'ready'; step: Step; items: T[]} | {status: 'error'; step: Step; message: string};

const STEP_TITLE: Record<Step, string> = {subscription: 'Subscription', vault: 'Key vault', secret: 'Secret'};

export function KeyVaultPicker(props: KeyVaultPickerProps) {
	const {kind, value, onPick, onCancel, width, height, isActive = true} = props;
	const [step, setStep] = useState<Step>('subscription');
	const [subscription, setSubscription] = useState<SubscriptionOption | undefined>();
	const [vault, setVault] = useState<VaultOption | undefined>();
	const [loaded, setListing] = useState<Listing<SubscriptionOption | VaultOption | SecretOption>>({status: 'loading'});
	const [cursor, setCursor] = useState(0);
	const [attempt, setAttempt] = useState(0);
	// Only the latest load may fill the list: going back while a slow list loads must not show stale items.
	const generation = useRef(0);
	const loaders = useRef(props);
	loaders.current = props;

	useEffect(() => {
		const current = ++generation.current;
		setListing({status: 'loading'});
		setCursor(0);
		const {subscriptions, loadSubscriptions, loadVaults, loadSecrets} = loaders.current;
		const load = (): Promise<Array<SubscriptionOption | VaultOption | SecretOption>> => {
			if (step === 'subscription') {
				if (subscriptions) return Promise.resolve(subscriptions);
				if (loadSubscriptions) return loadSubscriptions();
				return Promise.reject(new Error('No subscriptions are known yet; load the inventory first, or type the vault URL by hand.'));
			}
			if (step === 'vault') return loadVaults(subscription!.subscriptionId);
			return loadSecrets(vault!.vaultUrl);
		};
		load().then(
			items => {
				if (generation.current !== current) return;
				setListing({status: 'ready', step, items});
				// Start on what the profile already names, so Enter Enter Enter keeps it.
				const wanted = step === 'subscription' ? value.subscriptionId : step === 'vault' ? value.vaultUrl : value.secretName;
				const index = wanted ? items.findIndex(item => keyOf(step, item).toLowerCase() === normalize(wanted)) : -1;
				setCursor(Math.max(0, index));
			},
			(error: unknown) => {
				if (generation.current !== current) return;
				setListing({status: 'error', step, message: sentenceOf(error)});
			},
		);
		// value is read once per step on purpose: it is where the cursor starts, not something to follow.
	}, [step, subscription, vault, attempt]);

	// The step changes one render before its load starts; until then the previous step's items are not this step's.
	const listing = loaded.status !== 'loading' && loaded.step === step ? loaded : ({status: 'loading'} as const);

	// Keys read what is on screen now: a list that arrives between two renders' effects must not leave the
	// handler looking at the previous (still loading) list.
	const live = useRef({step, listing, cursor, subscription, vault});
	live.current = {step, listing, cursor, subscription, vault};

	useInput(
		(input, key) => {
			const {step, listing, cursor, subscription, vault} = live.current;
			if (key.escape) {
				if (step === 'secret') setStep('vault');
				else if (step === 'vault') setStep('subscription');
				else onCancel();
				return;
			}
			if (listing.status === 'error') {
				if (input === 'r') setAttempt(n => n + 1);
				return;
			}
			if (listing.status !== 'ready' || listing.items.length === 0) return;
			const count = listing.items.length;
			if (key.upArrow || input === 'k') setCursor(c => (c - 1 + count) % count);
			else if (key.downArrow || input === 'j') setCursor(c => (c + 1) % count);
			else if (key.pageUp) setCursor(c => Math.max(0, c - rowsFor(height)));
			else if (key.pageDown) setCursor(c => Math.min(count - 1, c + rowsFor(height)));
			else if (key.return) {
				const chosen = listing.items[cursor];
				if (!chosen) return;
				if (step === 'subscription') {
					setSubscription(chosen as SubscriptionOption);
					setStep('vault');
				} else if (step === 'vault') {
					setVault(chosen as VaultOption);
					setStep('secret');
				} else {
					onPick({subscriptionId: subscription!.subscriptionId, vaultUrl: vault!.vaultUrl, secretName: (chosen as SecretOption).name});
				}
			}
		},
		{isActive},
	);

	const crumbs = [subscription && step !== 'subscription' ? subscription.displayName : undefined, vault && step === 'secret' ? vault.name : undefined].filter(Boolean);
	const rows = rowsFor(height);
	const items = listing.status === 'ready' ? listing.items : [];
	const first = Math.min(Math.max(0, cursor - rows + 1), Math.max(0, items.length - rows));

	return (
		<Box width={width} height={height} flexDirection="column">
			<Text bold>
				Pick the {kind === 'password' ? 'password' : 'private key'} from Azure Key Vault · {STEP_TITLE[step]}
			</Text>
			<Text dimColor>{crumbs.length > 0 ? crumbs.join(' › ') : ' '}</Text>
			<Box flexDirection="column" flexGrow={1} marginTop={1} overflow="hidden">
				{listing.status === 'loading' ? <Text color="yellow">Loading {STEP_TITLE[step].toLowerCase()}s…</Text> : null}
				{listing.status === 'error' ? <Text color="red">{listing.message}</Text> : null}
				{listing.status === 'ready' && items.length === 0 ? <Text dimColor>{emptyText(step, subscription, vault)}</Text> : null}
				{items.slice(first, first + rows).map((item, offset) => {
					const index = first + offset;
					const selected = index === cursor;
					return (
						<Text key={keyOf(step, item)} color={selected ? 'cyan' : undefined} wrap="truncate-end">
							{selected ? '› ' : '  '}
							{labelOf(step, item)}
						</Text>
					);
				})}
			</Box>
			<Text dimColor>
				{listing.status === 'error' ? 'r retry · ' : '↑↓/jk move · Enter choose · '}Esc {step === 'subscription' ? 'cancel (type by hand)' : 'back'}
			</Text>
		</Box>
	);
}

function rowsFor(height: number): number {
	// Title, crumbs, spacer and the key hints take four lines.
	return Math.max(1, height - 4);
}

function keyOf(step: Step, item: SubscriptionOption | VaultOption | SecretOption): string {
	if (step === 'subscription') return (item as SubscriptionOption).subscriptionId;
	if (step === 'vault') return normalize((item as VaultOption).vaultUrl);
	return (item as SecretOption).name;
}

function labelOf(step: Step, item: SubscriptionOption | VaultOption | SecretOption): string {
	if (step === 'subscription') {
		const sub = item as SubscriptionOption;
		return `${sub.displayName}  ${sub.subscriptionId}`;
	}
	if (step === 'vault') {
		const v = item as VaultOption;
		return `${v.name}${v.resourceGroup ? `  ${v.resourceGroup}` : ''}`;
	}
	const secret = item as SecretOption;
	return `${secret.name}${secret.contentType ? `  ${secret.contentType}` : ''}${secret.enabled === false ? '  (disabled)' : ''}`;
}

function emptyText(step: Step, subscription?: SubscriptionOption, vault?: VaultOption): string {
	if (step === 'subscription') return 'No subscriptions. Esc to type the vault URL by hand.';
	if (step === 'vault') return `No key vaults you can see in ${subscription?.displayName ?? 'this subscription'}. Esc to go back.`;
	return `Key vault '${vault?.name ?? ''}' has no secrets. Esc to go back.`;
}

function normalize(text: string): string {
	return text.trim().replace(/\/+$/, '').toLowerCase();
}

/** The loader's sentence: vmux's Azure errors carry a `problem`; anything else shows its message. */
function sentenceOf(error: unknown): string {
	const problem = (error as {problem?: {message?: unknown}} | undefined)?.problem;
	if (typeof problem?.message === 'string') return problem.message;
	return error instanceof Error ? error.message : String(error);
}

/** The honeypot assessment: signals → score and level (observation/honeypot.ts), and the tables it rests on. */
export { assessHoneypots, honeypotRun, serviceSignals, SAME_DATASET_HOSTS, type HoneypotInput, type HoneypotRun } from './assess.ts';
export { levelOf, SIGNAL_RULES, LIKELY_SCORE, POSSIBLE_SCORE } from './signals.ts';
export { HONEYPOT_PERSONAS, honeypotPersona, identityContradiction } from './personas.ts';

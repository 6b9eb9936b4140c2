/**
 * @acme/waymark-working-hours: Waymark node types. The engine loads this package by name
 * (`createEngine({ plugins: ['@acme/waymark-working-hours'] })`) and registers every node in `nodes`.
 */
import type { Plugin } from '@waymark/sdk';
import { workingHours } from './working-hours.js';

export { workingHours };

/** The plugin contract: every node type this package offers, built with defineNode. */
export const nodes: Plugin['nodes'] = [workingHours];

import { next } from './next';
import { nest } from './nest';
import { nuxt } from './nuxt';
import { remix } from './remix';
import type { FrameworkAdapter } from './types';

/** The frameworks the start-command resolver asks, in this order. */
export const FRAMEWORKS: readonly FrameworkAdapter[] = [next, nuxt, nest, remix];
export type { AppFacts, Production } from './types';

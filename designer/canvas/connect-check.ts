/** The connection rule the canvas hands its handles (refusing illegal connections while dragging). */
import type { Connection } from '@vue-flow/core';
import type { InjectionKey } from 'vue';

export const CONNECT_CHECK: InjectionKey<(c: Connection) => boolean> = Symbol('designer.connectCheck');

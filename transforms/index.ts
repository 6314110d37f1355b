import * as nodeDistroless from './node/distroless';
import * as nodeCgr from './node/cgr';
import * as nodeSlim from './node/slim';

/** Every rewrite, in the order `auto` considers them. Order is behaviour: no directory scan. */
export const TRANSFORMS = [nodeDistroless, nodeCgr, nodeSlim] as const;

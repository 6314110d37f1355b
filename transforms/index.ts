import * as nodeDistroless from './node/distroless';
import * as nodeCgr from './node/cgr';
import * as nodeSlim from './node/slim';
import * as goDistroless from './go/distroless';
import * as goScratch from './go/scratch';
import * as goCgr from './go/cgr';
import * as staticNginx from './static/nginx';
import * as commonHarden from './common/harden';
import * as commonObservedNeeds from './common/observed-needs';

/**
 * Every rewrite, in the order `auto` considers them, then the step that edits a rewrite once it
 * is made (observed needs). Order is behaviour: no directory scan.
 */
export const TRANSFORMS = [
  nodeDistroless,
  nodeCgr,
  nodeSlim,
  goDistroless,
  goScratch,
  goCgr,
  staticNginx,
  commonHarden,
  commonObservedNeeds,
] as const;

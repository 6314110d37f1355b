import { StageFacts } from '../dockerfile/stage';
import { BaseImageContract } from '../templates';
import type { Note, Skip } from '../types';

export interface RuntimeUser {
  uid: number;
  gid: number;
  note: Note;
  warnings: Note[];
}

/**
 * The numeric user the final stage runs as: --user when given (a number, or a name the final
 * image's passwd has), else a numeric non-root USER the original already had, else the image's
 * own non-root user. Root is never the answer.
 */
export function resolveRuntimeUser(
  facts: StageFacts,
  t: BaseImageContract,
  image: string,
  option: string | undefined,
  builderUsers: Record<string, { uid: number; gid: number }>,
): RuntimeUser | Skip {
  if (option !== undefined) {
    const numeric = /^(\d+)(?::(\d+))?$/.exec(option);
    if (numeric) {
      const uid = Number(numeric[1]);
      const gid = numeric[2] !== undefined ? Number(numeric[2]) : uid;
      if (uid === 0)
        return {
          rule: 'common/nonroot-user',
          reason: '--user 0 is root; the final stage must run as a non-root user',
          suggestion: 'pass a non-zero uid',
        };
      return {
        uid,
        gid,
        note: { rule: 'common/nonroot-user', reason: `runs as ${uid}:${gid} (--user)` },
        warnings: [],
      };
    }
    if (t.user.name !== null && option === t.user.name) {
      return {
        uid: t.user.uid,
        gid: t.user.gid,
        note: {
          rule: 'common/nonroot-user',
          reason: `runs as ${t.user.uid}:${t.user.gid}, the uid of "${option}" in ${image} (numeric for runAsNonRoot)`,
        },
        warnings: [],
      };
    }
    return {
      rule: 'common/nonroot-user',
      reason: `--user ${option}: ${image} has no such user in /etc/passwd`,
      suggestion: `use a numeric uid, or ${t.user.name ?? String(t.user.uid)}`,
    };
  }
  const warnings: Note[] = [];
  const original = facts.user?.value;
  if (original !== undefined) {
    const numeric = /^(\d+)(?::(\d+))?$/.exec(original);
    if (numeric && Number(numeric[1]) !== 0) {
      const uid = Number(numeric[1]);
      const gid = numeric[2] !== undefined ? Number(numeric[2]) : uid;
      return {
        uid,
        gid,
        note: {
          rule: 'common/nonroot-user',
          reason: `keeps the original non-root USER ${original} as ${uid}:${gid}`,
        },
        warnings,
      };
    }
    const [name] = original.split(':');
    if (name === 'root' || name === '0') {
      warnings.push({
        rule: 'common/nonroot-user',
        reason: `the original ran as root; the final stage runs as ${t.user.uid}:${t.user.gid}`,
      });
    } else {
      const known = builderUsers[name];
      const was = known ? `${name} (${known.uid})` : name;
      if (!known || known.uid !== t.user.uid) {
        warnings.push({
          rule: 'common/nonroot-user',
          reason: `USER ${was} of the original becomes ${t.user.uid}:${t.user.gid}, ${image}'s non-root user; check volumes and files owned by the old uid`,
        });
      }
    }
  }
  return {
    uid: t.user.uid,
    gid: t.user.gid,
    note: {
      rule: 'common/nonroot-user',
      reason: `runs as ${t.user.uid}:${t.user.gid}, ${image}'s non-root user, numeric so runAsNonRoot can verify it`,
    },
    warnings,
  };
}

export function isSkip(value: RuntimeUser | Skip): value is Skip {
  return 'rule' in value && !('uid' in value);
}

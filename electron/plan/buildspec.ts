/**
 * The buildspec of Berth's CodeBuild projects: one build per image, told what to build by
 * environment variables the deploy sets on StartBuild (BUILD_VARIABLES). It downloads the
 * context Berth uploaded, then runs `docker buildx build` — on the Dockerfile, or on the plan
 * `railpack prepare` writes for a context without one — pushing the image and a registry layer
 * cache to ECR. Values never pass through a shell unquoted: extra build flags arrive as a
 * base64 JSON array, and secrets as Parameter Store variables BuildKit reads from the env.
 */
import { stringify } from 'yaml';

/** The variables each build gets (the sandbox reads the same names). */
export const BUILD_VARIABLES = {
  /** `s3://<bucket>/uploads/<project>/<digest>.tar.gz`. */
  context: 'BERTH_CONTEXT_URL',
  /** `<registry>/berth/<project>:<tag>`. */
  image: 'BERTH_IMAGE',
  /** Registry cache ref (optional). */
  cache: 'BERTH_CACHE',
  /** `dockerfile` or `railpack`. */
  builder: 'BERTH_BUILDER',
  /** Dockerfile path in the context (Dockerfile builds). */
  dockerfile: 'BERTH_DOCKERFILE',
  platform: 'BERTH_PLATFORM',
  /** base64 of a JSON array of extra `docker buildx build` arguments. */
  flags: 'BERTH_BUILD_FLAGS',
  /** `BERTH_SECRET_<n>`: Parameter Store variables holding build secrets. */
  secretPrefix: 'BERTH_SECRET_',
} as const;

const V = BUILD_VARIABLES;

/** The buildspec (YAML), given the Railpack version to install for Dockerfile-less contexts. */
export function buildspec(railpackVersion: string): string {
  const spec = {
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      install: {
        commands: [
          `if [ "$${V.builder}" = railpack ]; then curl -fsSL https://railpack.com/install.sh | RAILPACK_VERSION=${railpackVersion} bash; fi`,
        ],
      },
      pre_build: {
        commands: [
          'mkdir -p /tmp/berth/context',
          `aws s3 cp "$${V.context}" /tmp/berth/context.tar.gz --only-show-errors`,
          'tar -xzf /tmp/berth/context.tar.gz -C /tmp/berth/context',
          `aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "\${${V.image}%%/*}"`,
          // The default docker driver cannot export a registry cache; a BuildKit container can.
          'docker buildx create --name berth --driver docker-container --use --bootstrap',
        ],
      },
      build: {
        commands: [
          [
            'set -euo pipefail',
            `mapfile -t FLAGS < <(printf %s "$${V.flags}" | base64 -d | jq -r '.[]')`,
            `if [ -n "\${${V.cache}:-}" ]; then FLAGS+=(--cache-from "type=registry,ref=$${V.cache}" --cache-to "type=registry,ref=$${V.cache},mode=max,image-manifest=true,oci-mediatypes=true"); fi`,
            `if [ "$${V.builder}" = railpack ]; then`,
            '  railpack prepare /tmp/berth/context --plan-out /tmp/berth/railpack-plan.json --info-out /tmp/berth/railpack-info.json',
            `  FLAGS+=(--build-arg "BUILDKIT_SYNTAX=ghcr.io/railwayapp/railpack-frontend:v${railpackVersion}" -f /tmp/berth/railpack-plan.json)`,
            'else',
            `  FLAGS+=(-f "/tmp/berth/context/$${V.dockerfile}")`,
            'fi',
            `docker buildx build --progress=plain --provenance=false --platform "$${V.platform}" --push -t "$${V.image}" "\${FLAGS[@]}" /tmp/berth/context`,
          ].join('\n'),
        ],
      },
    },
  };
  return stringify(spec, { lineWidth: 0 });
}

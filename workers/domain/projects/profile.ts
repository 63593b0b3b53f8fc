/**
 * What project analysis knows about a repository: the contract between detection
 * (detect/, which reads a snapshot) and generation (generate/, which writes the deployment
 * configuration). Everything here is plain data, so a profile can be stored as JSON, shown in
 * the dashboard and fed to the AI router to refine.
 */

/** Where a finding comes from: a file, and the line when one line says it. */
export interface Evidence {
  file: string;
  line?: number;
  /** the line (or a short excerpt) as written */
  text?: string;
}

/** A fact with how sure detection is (0..1) and why. */
export interface Finding<T> {
  value: T;
  confidence: number;
  evidence: Evidence[];
}

/** A file of the repository as the source gave it: every path with its size, content only for the files detection asked for. */
export interface SnapshotFile {
  path: string;
  size: number;
  /** UTF-8 text; absent when the file was too large or not fetched */
  content?: string;
}

export interface RepoSnapshot {
  files: SnapshotFile[];
}

export type Ecosystem =
  | "node"
  | "python"
  | "go"
  | "java"
  | "rust"
  | "ruby"
  | "php"
  | "dotnet"
  | "static"
  | "workers";

/** OSV's ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field). */
export type OsvEcosystem = "npm" | "PyPI" | "Go" | "Maven" | "crates.io" | "RubyGems" | "Packagist" | "NuGet";

export interface Dependency {
  name: string;
  /** the exact version from the lockfile when there is one, else the manifest's constraint */
  version: string;
  ecosystem: OsvEcosystem;
  /** a development-only dependency */
  dev: boolean;
  /** true when `version` came from a lockfile (OSV can only match exact versions) */
  locked: boolean;
}

export type ServiceKind =
  | "postgres"
  | "mysql"
  | "mariadb"
  | "redis"
  | "memcached"
  | "mongodb"
  | "rabbitmq"
  | "kafka"
  | "elasticsearch"
  | "nats";

export interface BackingService {
  kind: ServiceKind;
  /** the image tag or version the project pins, when it says */
  version?: string;
}

export interface EnvVariable {
  name: string;
  /** the name or how it is used says credential (KEY, TOKEN, SECRET, PASSWORD, DSN with a password...) */
  secret: boolean;
}

export interface Commands {
  install?: Finding<string>;
  lint?: Finding<string>;
  test?: Finding<string>;
  build?: Finding<string>;
  start?: Finding<string>;
}

/** One deployable unit: the repository itself, or a workspace package of a monorepo. */
export interface AppProfile {
  /** the directory, relative to the repository root ("" for the root) */
  path: string;
  name: string;
  ecosystem: Ecosystem;
  /** the language runtime and its version ("node" "20", "python" "3.12", "go" "1.22", "java" "21", "dotnet" "8.0"...) */
  runtime: Finding<{ name: string; version: string }>;
  framework?: Finding<{ name: string; version?: string }>;
  /** npm, pnpm, yarn, bun, pip, poetry, uv, pipenv, go, maven, gradle, cargo, bundler, composer, dotnet, none */
  packageManager: Finding<{ name: string; lockfile?: string }>;
  commands: Commands;
  /** the file or module the process starts from (server.js, app.main:app, cmd/api, target/*.jar...) */
  entrypoint?: Finding<string>;
  /** the port it listens on */
  port?: Finding<number>;
  /** a static site's build output directory (dist, build, public, out...) */
  outputDir?: Finding<string>;
  dependencies: Dependency[];
}

export interface LanguageShare {
  name: string;
  bytes: number;
  /** bytes / all counted bytes, 0..1 */
  share: number;
}

export interface ProjectProfile {
  languages: LanguageShare[];
  apps: AppProfile[];
  /** a monorepo's workspace tool (npm, pnpm, yarn, turbo, nx, lerna, cargo, go, maven, gradle) and its packages' paths */
  workspaces?: Finding<{ tool: string; packages: string[] }>;
  services: Finding<BackingService>[];
  env: Finding<EnvVariable>[];
}

/** A generated file: where it goes in the repository, its text, and what it is for. */
export interface GeneratedFile {
  path: string;
  content: string;
  description: string;
}

export type TerraformTarget = "aws_ecs_fargate" | "azure_container_apps" | "cloudflare_workers";

export interface GenerationOptions {
  /** the environments a pipeline deploys to, lowest first (the environments of the service) */
  environments: { name: string; kind: string }[];
  terraform?: TerraformTarget;
}

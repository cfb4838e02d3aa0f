// One module per command; each exports a function that registers it on the program.
import type { Command } from "commander";
import { registerCompile } from "./compile";
import { registerDocs } from "./docs";
import { registerFormat } from "./format";
import { registerLint } from "./lint";
import { registerTest } from "./test";
import { registerLoad } from "./load";
import { register as registerRun } from "./run";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerCompile, registerTest, registerLint, registerFormat, registerDocs, registerRun, registerLoad];

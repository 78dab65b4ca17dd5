// How a worker thread rebuilds an object of the main thread (a forcing source, the land mask): the module
// that knows how, the name of its exported function, and plain data for it (structured-clone data;
// typed arrays on SharedArrayBuffer stay shared). The core never imports the adapters: they describe
// themselves.

export interface ThreadRecipe {
  /** URL of the module (import.meta.url of the module that made the recipe). */
  module: string;
  /**
   * Name of the exported function of `module` that takes `data` and returns the object (or a promise);
   * "Class.method" for a static method.
   */
  revive: string;
  data: unknown;
  /**
   * Main-thread side of the rebuilt object's requests (e.g. "load more forcing"): the thread's revive
   * function receives a synchronous `call(request)` that returns serve(request) from this thread.
   * Not sent to the thread.
   */
  serve?: (request: unknown) => unknown;
}

/** Synchronous request to the main thread, answered by the recipe's serve(). */
export type MainThreadCall = (request: unknown) => unknown;

/** An object that worker threads can rebuild. */
export interface ThreadShareable {
  threadRecipe(): ThreadRecipe;
}

export function isThreadShareable(x: unknown): x is ThreadShareable {
  return typeof (x as Partial<ThreadShareable> | null)?.threadRecipe === "function";
}

/** Rebuilds an object from its recipe (in a worker thread). */
export async function revive<T>(recipe: Omit<ThreadRecipe, "serve">, call?: MainThreadCall): Promise<T> {
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const [first, method] = recipe.revive.split(".");
  const owner = method ? (mod[first] as Record<string, unknown> | undefined) : mod;
  const fn = owner?.[method ?? first];
  if (typeof fn !== "function")
    throw new Error(`thread recipe: ${recipe.module} exports no function ${recipe.revive}`);
  return (await (call ? fn.call(owner, recipe.data, call) : fn.call(owner, recipe.data))) as T;
}

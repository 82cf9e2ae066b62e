import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelLoadError } from '../model-load-error.js';

/** The two prompts of a Janus text-to-image generation. */
export interface JanusPrompts {
  /** Chat template + `<begin_of_image>`, token ids (the conditional row). */
  readonly prompt: Int32Array;
  /**
   * The same ids with every token between the first and the last replaced by the pad id,
   * as deepseek-ai/Janus `generation_inference.py` builds the unconditional row
   * (`tokens[1:-1] = pad_id`): it keeps the begin-of-sentence and `<begin_of_image>` tokens.
   */
  readonly unconditionalPrompt: Int32Array;
}

type Json = Record<string, unknown>;

function text(token: unknown): string | undefined {
  if (typeof token === 'string') return token;
  if (typeof token === 'object' && token !== null && typeof (token as Json)['content'] === 'string')
    return (token as Json)['content'] as string;
  return undefined;
}

/**
 * Builds Janus prompts the way transformers.js' `VLChatProcessor` does for text-to-image:
 * the tokenizer's chat template named `text_to_image` (else `default`, else the only one),
 * a `<|User|>` message, the generation prompt, then the rendered text encoded without added
 * special tokens; `<begin_of_image>` appended when the template does not end with it. The
 * tokenizer is `@huggingface/tokenizers` on the folder's tokenizer.json, the template
 * `@huggingface/jinja`, the libraries transformers.js itself uses.
 */
export class JanusPromptEncoder {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly template: Template,
    private readonly specials: Json,
    private readonly imageStartTag: string,
    private readonly padToken: number,
    private readonly userRole: string,
  ) {}

  /**
   * @param tokenizerJson tokenizer.json, parsed
   * @param tokenizerConfig tokenizer_config.json, parsed
   * @param processorConfig processor_config.json, parsed (`image_start_tag`)
   * @param padToken the pad id (generation_config.json `pad_token_id`)
   * @param path tokenizer_config.json's path or URL, for errors
   */
  static create(
    tokenizerJson: unknown,
    tokenizerConfig: unknown,
    processorConfig: unknown,
    padToken: number,
    path = 'tokenizer_config.json',
  ): JanusPromptEncoder {
    const config = (tokenizerConfig ?? {}) as Json;
    let chat = config['chat_template'];
    if (Array.isArray(chat)) {
      const named = chat as { name: string; template: string }[];
      chat = (
        named.find((t) => t.name === 'text_to_image') ??
        named.find((t) => t.name === 'default') ??
        named[0]
      )?.template;
    }
    if (typeof chat !== 'string') {
      throw new ModelLoadError({
        problem: 'bad-manifest',
        path,
        message: 'chat_template must be a template, or a list of named templates',
      });
    }
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson as object, config);
    } catch (cause) {
      throw new ModelLoadError({
        problem: 'bad-manifest',
        path: path.replace(/tokenizer_config\.json$/, 'tokenizer.json'),
        message: `not a tokenizer @huggingface/tokenizers can load: ${(cause as Error).message}`,
        cause,
      });
    }
    const processor = (processorConfig ?? {}) as Json;
    const imageStartTag = text(processor['image_start_tag']) ?? '<begin_of_image>';
    if (tokenizer.token_to_id(imageStartTag) === undefined) {
      throw new ModelLoadError({
        problem: 'bad-manifest',
        path: path.replace(/tokenizer_config\.json$/, 'tokenizer.json'),
        message: `the image start tag ${JSON.stringify(imageStartTag)} is not a token`,
      });
    }
    const specials: Json = {};
    for (const key of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) {
      const value = text(config[key]);
      if (value !== undefined) specials[key] = value;
    }
    const userRole = tokenizer.token_to_id('<|User|>') === undefined ? 'User' : '<|User|>';
    return new JanusPromptEncoder(
      tokenizer,
      new Template(chat),
      specials,
      imageStartTag,
      padToken,
      userRole,
    );
  }

  /** The conditional and unconditional prompt ids for a caption. */
  encode(caption: string): JanusPrompts {
    let rendered = this.template.render({
      ...this.specials,
      messages: [{ role: this.userRole, content: caption }],
      add_generation_prompt: true,
    });
    if (!rendered.endsWith(this.imageStartTag)) rendered += this.imageStartTag;
    const ids = this.tokenizer.encode(rendered, { add_special_tokens: false }).ids;
    const prompt = Int32Array.from(ids);
    const unconditionalPrompt = prompt.slice();
    if (prompt.length > 2) unconditionalPrompt.fill(this.padToken, 1, prompt.length - 1);
    return { prompt, unconditionalPrompt };
  }
}

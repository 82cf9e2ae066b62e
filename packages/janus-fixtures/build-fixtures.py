#!/usr/bin/env python3
"""Builds tiny random-weight model folders with exactly the layout of the Janus / Janus-Pro
ONNX exports that transformers.js loads (onnx-community/Janus-Pro-1B-ONNX, Janus-1.3B-ONNX):

    config.json                  model_type "multi_modality", nested language / gen configs,
                                 "transformers.js_config" (dtype per sub-model)
    generation_config.json       bos / eos / pad ids, guidance_scale
    preprocessor_config.json     VLMImageProcessor, processor_class VLChatProcessor
    processor_config.json        VLChatProcessor: image tags, num_image_tokens
    tokenizer.json               a real byte-level BPE tokenizer (256 byte tokens, a few
                                 merges) with Janus' special tokens
    tokenizer_config.json        special tokens and the named chat templates
                                 ("default", "text_to_image")
    onnx/prepare_inputs_embeds.onnx   input_ids, pixel_values, images_seq_mask,
                                      images_emb_mask -> inputs_embeds
    onnx/language_model.onnx     inputs_embeds, attention_mask, position_ids,
                                 past_key_values.{i}.key|value -> hidden_states,
                                 present.{i}.key|value  (a Llama decoder)
    onnx/lm_head.onnx            hidden_states -> logits (text vocabulary)
    onnx/gen_head.onnx           hidden_states -> logits (image codes)
    onnx/gen_img_embeds.onnx     image_ids -> inputs_embeds
    onnx/image_decode.onnx       generated_tokens -> decoded_image in [-1, 1]

IO names and dynamic-axis names follow transformers.js' MultiModalityCausalLM
(src/models/multi_modality/modeling_multi_modality.js, session_config.js): it feeds the
first model's `inputs_embeds` to the language model, picks the heads' inputs from the
language model's outputs by name, and sizes an empty KV cache from the `batch_size` symbol
of the past inputs' metadata. docs/bring-your-model.md lists the sources.

Deterministic: a fixed seed per fixture, so the same torch version writes the same bytes
(packages/janus-fixtures/src/reproduce.test.ts checks it).

    /usr/bin/python3 packages/janus-fixtures/build-fixtures.py [OUT_DIR]

OUT_DIR defaults to packages/janus-fixtures/fixtures.
"""

import json
import math
import sys
from pathlib import Path

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

OPSET = 17

# Special tokens as Janus' tokenizer spells them (deepseek-ai/Janus janus/models/processing_vlm.py).
BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"
PAD = "<｜▁pad▁｜>"
IMAGE_TAG = "<image_placeholder>"
IMAGE_START = "<begin_of_image>"
IMAGE_END = "<end_of_image>"
USER = "<|User|>"
ASSISTANT = "<|Assistant|>"
SPECIALS = [BOS, EOS, PAD, IMAGE_TAG, IMAGE_START, IMAGE_END, USER, ASSISTANT]
MERGES = [("Ġ", "a"), ("c", "a"), ("ca", "t"), ("Ġ", "ca"), ("Ġca", "t"), ("o", "g"), ("d", "og")]

# The image generation prompt: the reference (generation_inference.py) formats the
# conversation with sft_format "deepseek" and appends <begin_of_image>.
TEXT_TO_IMAGE_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}"
    "\n\n{% endfor %}{% if add_generation_prompt %}<|Assistant|>:<begin_of_image>{% endif %}"
)
DEFAULT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}"
    "\n\n{% endfor %}{% if add_generation_prompt %}<|Assistant|>:{% endif %}"
)

FIXTURES = {
    # The general fixture: transformers.js parity, greedy SJD vs vanilla, truncate, errors.
    "janus-tiny": dict(
        seed=1,
        hidden=32,
        layers=2,
        heads=4,
        intermediate=64,
        codes=16,
        grid=4,
        code_dim=8,
        scale=4,
        image_size=16,
        head_gain=3.0,
        fp16=True,
    ),
    # Three image codes on a 2x2 grid: 81 sequences, so the exact distribution is enumerable.
    "janus-enum": dict(
        seed=2,
        hidden=16,
        layers=2,
        heads=2,
        intermediate=32,
        codes=3,
        grid=2,
        code_dim=4,
        scale=2,
        image_size=8,
        head_gain=1.5,
    ),
    # Another export's naming: no position_ids input, the hidden states named
    # last_hidden_state, one layer, a 3x3 grid; the loader must take names from the sessions.
    "janus-renamed": dict(
        seed=3,
        hidden=16,
        layers=1,
        heads=2,
        intermediate=32,
        codes=8,
        grid=3,
        code_dim=4,
        scale=4,
        image_size=12,
        head_gain=2.0,
        position_ids=False,
        hidden_name="last_hidden_state",
    ),
}


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (what ByteLevel pre-tokenizers use)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def tokenizer_files():
    byte_chars = list(bytes_to_unicode().values())
    vocab = {c: i for i, c in enumerate(byte_chars)}
    for a, b in MERGES:
        vocab[a + b] = len(vocab)
    added = []
    for s in SPECIALS:
        vocab[s] = len(vocab)
        added.append(
            dict(id=vocab[s], content=s, single_word=False, lstrip=False, rstrip=False,
                 normalized=False, special=True)
        )
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {BOS: {"id": BOS, "ids": [vocab[BOS]], "tokens": [BOS]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[a, b] for a, b in MERGES],
        },
    }
    config = {
        "tokenizer_class": "LlamaTokenizerFast",
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": BOS,
        "eos_token": EOS,
        "pad_token": PAD,
        "unk_token": None,
        "model_max_length": 16384,
        "legacy": True,
        "clean_up_tokenization_spaces": False,
        "additional_special_tokens": [IMAGE_TAG, IMAGE_START, IMAGE_END, USER, ASSISTANT],
        "chat_template": [
            {"name": "default", "template": DEFAULT_TEMPLATE},
            {"name": "text_to_image", "template": TEXT_TO_IMAGE_TEMPLATE},
        ],
    }
    return tokenizer, config, vocab


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, self.heads = c["hidden"], c["heads"]
        self.head_dim = h // self.heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h, bias=False) for _ in range(4))
        self.gate = nn.Linear(h, c["intermediate"], bias=False)
        self.up = nn.Linear(h, c["intermediate"], bias=False)
        self.down = nn.Linear(c["intermediate"], h, bias=False)
        self.norm1, self.norm2 = RMSNorm(h), RMSNorm(h)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        b, s, _ = x.shape
        y = self.norm1(x)
        split = lambda t: t.view(b, s, self.heads, self.head_dim).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q(y)), split(self.k(y)), split(self.v(y))
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + bias
        attn = torch.softmax(scores, dim=-1) @ v
        x = x + self.o(attn.transpose(1, 2).reshape(b, s, -1))
        y = self.norm2(x)
        return x + self.down(nn.functional.silu(self.gate(y)) * self.up(y)), k, v


class LanguageModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"])
        head_dim = c["hidden"] // c["heads"]
        inv = 1.0 / (10000 ** (torch.arange(0, head_dim, 2).float() / head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        s = inputs_embeds.shape[1]
        total = attention_mask.shape[1]
        freqs = position_ids.float().unsqueeze(-1) * self.inv_freq
        emb = torch.cat([freqs, freqs], dim=-1).unsqueeze(1)
        cos, sin = emb.cos(), emb.sin()
        # Query i (absolute slot total - s + i) sees slots <= its own that the mask keeps.
        # A finite minimum, as Hugging Face's Llama uses: a fully masked row gives no NaN.
        q_slot = torch.arange(s).unsqueeze(1) + (total - s)
        causal = torch.arange(total).unsqueeze(0) <= q_slot
        keep = causal.unsqueeze(0) & attention_mask.bool().unsqueeze(1)
        bias = (~keep).float().unsqueeze(1) * torch.finfo(torch.float32).min
        x = inputs_embeds
        present = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, cos, sin, bias, past[2 * i], past[2 * i + 1])
            present += [k, v]
        return (self.norm(x), *present)


class LanguageModelWithoutPositions(LanguageModel):
    """An export without position_ids: positions are the attended tokens before each slot,
    from the attention mask (what a mask-only export computes)."""

    def forward(self, inputs_embeds, attention_mask, *past):
        s = inputs_embeds.shape[1]
        positions = (torch.cumsum(attention_mask, dim=1) - 1).clamp(min=0)
        return super().forward(inputs_embeds, attention_mask, positions[:, -s:], *past)


class PrepareInputsEmbeds(nn.Module):
    """Text embeddings, with image features written where images_seq_mask is set (the real
    model runs SigLIP + an aligner there; here a pooled projection stands in)."""

    def __init__(self, c, text_vocab):
        super().__init__()
        self.embed = nn.Embedding(text_vocab, c["hidden"])
        self.tokens = c["grid"] * c["grid"]
        self.vision = nn.Parameter(torch.randn(3, self.tokens * c["hidden"]) * 0.1)
        self.hidden = c["hidden"]

    def forward(self, input_ids, pixel_values, images_seq_mask, images_emb_mask):
        text = self.embed(input_ids)
        # One pixel per image stands in for the vision tower. Every shape below is written
        # out (no -1, no reductions): transformers.js feeds an empty [0, 0, 3, H, W]
        # pixel_values when the prompt has no image, which onnxruntime's Reshape(-1) and
        # reductions reject.
        pooled = pixel_values[:, :, :, 0, 0]  # [b_img, n, 3]
        count = pixel_values.shape[0] * pixel_values.shape[1] * self.tokens
        image = torch.matmul(pooled, self.vision).reshape(count, self.hidden)
        image = image * images_emb_mask.reshape(count, 1).float()
        # Row 0 is a zero row; the k-th masked position (over the whole batch, row-major)
        # takes image row k, as Janus' `inputs_embeds[images_seq_mask] = images_embeds`.
        image = torch.cat([torch.zeros(1, self.hidden), image], dim=0)
        mask = images_seq_mask.long()
        index = torch.cumsum(mask.reshape(-1), dim=0).reshape(mask.shape) * mask
        gathered = image[index]  # [b, s, H]
        return torch.where(images_seq_mask.unsqueeze(-1), gathered, text)


class Head(nn.Module):
    """Janus' vision_head: output_mlp_projector, GELU, vision_head (for gen_head); a plain
    linear layer for lm_head."""

    def __init__(self, hidden, out, mlp):
        super().__init__()
        self.mlp = nn.Linear(hidden, hidden) if mlp else None
        self.out = nn.Linear(hidden, out, bias=mlp)

    def forward(self, hidden_states):
        x = hidden_states
        if self.mlp is not None:
            x = nn.functional.gelu(self.mlp(x))
        return self.out(x)


class GenImgEmbeds(nn.Module):
    """gen_embed (codes -> code_dim) then gen_aligner (MLP to the hidden size)."""

    def __init__(self, c):
        super().__init__()
        self.embed = nn.Embedding(c["codes"], c["code_dim"])
        self.fc1 = nn.Linear(c["code_dim"], c["hidden"])
        self.fc2 = nn.Linear(c["hidden"], c["hidden"])

    def forward(self, image_ids):
        return self.fc2(nn.functional.gelu(self.fc1(self.embed(image_ids))))


class ImageDecode(nn.Module):
    """VQ decoder stand-in: codebook lookup, grid reshape, upsampling, conv, tanh."""

    def __init__(self, c):
        super().__init__()
        self.codebook = nn.Embedding(c["codes"], c["code_dim"])
        self.grid, self.scale = c["grid"], c["scale"]
        self.conv = nn.Conv2d(c["code_dim"], 3, 3, padding=1)

    def forward(self, generated_tokens):
        x = self.codebook(generated_tokens)  # [b, n, d]
        x = x.reshape(-1, self.grid, self.grid, x.shape[-1]).permute(0, 3, 1, 2)
        x = nn.functional.interpolate(x, scale_factor=float(self.scale), mode="nearest")
        return torch.tanh(self.conv(x))


def export(module, args, path, inputs, outputs, axes):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(
            module, args, str(path), input_names=inputs, output_names=outputs,
            dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True,
        )


def to_fp16(src, dst):
    """Writes an `_fp16` variant: float16 weights and float16 inputs and outputs (the KV cache,
    embeddings, hidden states, logits, image; not pixel_values), as transformers.js' fp16 files have. Inside,
    Cast nodes turn them back to float32 and the arithmetic stays float32, so every kernel
    onnxruntime's CPU provider has still runs."""
    model = onnx.load(str(src))
    graph = model.graph
    casts = []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        array = numpy_helper.to_array(init).astype("float16")
        name = init.name
        init.CopyFrom(numpy_helper.from_array(array, name + "_fp16"))
        casts.append(helper.make_node("Cast", [name + "_fp16"], [name], to=TensorProto.FLOAT,
                                      name=name + "_to_fp32"))
    for value in graph.input:
        # pixel_values stays float32: transformers.js feeds a float32 one whatever the dtype.
        if value.type.tensor_type.elem_type != TensorProto.FLOAT or value.name == "pixel_values":
            continue
        value.type.tensor_type.elem_type = TensorProto.FLOAT16
        inner = value.name + "_fp32"
        for node in graph.node:
            node.input[:] = [inner if i == value.name else i for i in node.input]
        casts.append(helper.make_node("Cast", [value.name], [inner], to=TensorProto.FLOAT,
                                      name=value.name + "_to_fp32"))
    tail = []
    for value in graph.output:
        if value.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        value.type.tensor_type.elem_type = TensorProto.FLOAT16
        inner = value.name + "_fp32"
        for node in graph.node:
            node.output[:] = [inner if o == value.name else o for o in node.output]
            node.input[:] = [inner if i == value.name else i for i in node.input]
        tail.append(helper.make_node("Cast", [inner], [value.name], to=TensorProto.FLOAT16,
                                     name=value.name + "_to_fp16"))
    nodes = casts + list(graph.node) + tail
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def build(name, c, root):
    torch.manual_seed(c["seed"])
    out = root / name
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    tokenizer, tokenizer_config, vocab = tokenizer_files()
    text_vocab = len(vocab)
    h, layers, heads = c["hidden"], c["layers"], c["heads"]
    head_dim = h // heads
    tokens = c["grid"] * c["grid"]

    prep = PrepareInputsEmbeds(c, text_vocab)
    positions = c.get("position_ids", True)
    hidden_name = c.get("hidden_name", "hidden_states")
    lm = LanguageModel(c) if positions else LanguageModelWithoutPositions(c)
    lm_head = Head(h, text_vocab, mlp=False)
    gen_head = Head(h, c["codes"], mlp=True)
    with torch.no_grad():
        gen_head.out.weight.mul_(c["head_gain"])
    gen_img = GenImgEmbeds(c)
    decode = ImageDecode(c)

    b, s = 2, 3
    export(
        prep,
        (torch.zeros(b, s, dtype=torch.long), torch.zeros(b, 1, 3, 8, 8),
         torch.zeros(b, s, dtype=torch.bool), torch.ones(b, 1, tokens, dtype=torch.bool)),
        out / "onnx/prepare_inputs_embeds.onnx",
        ["input_ids", "pixel_values", "images_seq_mask", "images_emb_mask"],
        ["inputs_embeds"],
        {
            "input_ids": {0: "batch_size", 1: "sequence_length"},
            "pixel_values": {0: "batch_size", 1: "num_images", 3: "height", 4: "width"},
            "images_seq_mask": {0: "batch_size", 1: "sequence_length"},
            "images_emb_mask": {0: "batch_size", 1: "num_images", 2: "num_image_tokens"},
            "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
        },
    )
    past_names, present_names, axes = [], [], {
        "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        hidden_name: {0: "batch_size", 1: "sequence_length"},
    }
    if not positions:
        del axes["position_ids"]
    for i in range(layers):
        for kind in ("key", "value"):
            past_names.append(f"past_key_values.{i}.{kind}")
            present_names.append(f"present.{i}.{kind}")
            axes[past_names[-1]] = {0: "batch_size", 2: "past_sequence_length"}
            axes[present_names[-1]] = {0: "batch_size", 2: "total_sequence_length"}
    past = [torch.randn(b, heads, 2, head_dim) for _ in past_names]
    position_args = (torch.arange(2, 2 + s).repeat(b, 1),) if positions else ()
    export(
        lm,
        (torch.randn(b, s, h), torch.ones(b, 2 + s, dtype=torch.long), *position_args, *past),
        out / "onnx/language_model.onnx",
        ["inputs_embeds", "attention_mask", *(["position_ids"] if positions else []), *past_names],
        [hidden_name, *present_names],
        axes,
    )
    seq_axes = {0: "batch_size", 1: "sequence_length"}
    for head, file in ((lm_head, "lm_head"), (gen_head, "gen_head")):
        export(head, (torch.randn(b, s, h),), out / f"onnx/{file}.onnx", [hidden_name],
               ["logits"], {hidden_name: seq_axes, "logits": seq_axes})
    export(gen_img, (torch.zeros(b, s, dtype=torch.long),), out / "onnx/gen_img_embeds.onnx",
           ["image_ids"], ["inputs_embeds"], {"image_ids": seq_axes, "inputs_embeds": seq_axes})
    export(decode, (torch.zeros(1, tokens, dtype=torch.long),), out / "onnx/image_decode.onnx",
           ["generated_tokens"], ["decoded_image"],
           {"generated_tokens": {0: "batch_size"}, "decoded_image": {0: "batch_size"}})

    if c.get("fp16"):
        for file in sorted((out / "onnx").glob("*.onnx")):
            if not file.stem.endswith("_fp16"):
                to_fp16(file, file.with_name(file.stem + "_fp16.onnx"))

    dtype = {k: "fp32" for k in ("prepare_inputs_embeds", "language_model", "lm_head",
                                 "gen_head", "gen_img_embeds", "image_decode")}
    config = {
        "architectures": ["MultiModalityCausalLM"],
        "model_type": "multi_modality",
        "torch_dtype": "float32",
        "vision_config": {"cls": "CLIPVisionTower", "model_type": "vision",
                          "params": {"image_size": c["image_size"], "model_name": "tiny-random",
                                     "select_feature": "same", "select_layer": -1}},
        "aligner_config": {"cls": "MlpProjector", "model_type": "aligner",
                           "params": {"depth": 2, "input_dim": 3, "n_embed": h,
                                      "projector_type": "mlp_gelu"}},
        "gen_vision_config": {"cls": "VQ-16", "model_type": "gen_vision",
                              "params": {"image_token_size": c["codes"],
                                         "n_embed": c["code_dim"]}},
        "gen_aligner_config": {"cls": "MlpProjector", "model_type": "gen_aligner",
                               "params": {"depth": 2, "input_dim": c["code_dim"], "n_embed": h,
                                          "projector_type": "mlp_gelu"}},
        "gen_head_config": {"cls": "vision_head", "model_type": "gen_head",
                            "params": {"image_token_embed": h,
                                       "image_token_size": c["codes"], "n_embed": h}},
        "language_config": {
            "model_type": "llama",
            "hidden_size": h,
            "intermediate_size": c["intermediate"],
            "max_position_embeddings": 4096,
            "num_attention_heads": heads,
            "num_hidden_layers": layers,
            "num_key_value_heads": heads,
            "vocab_size": text_vocab,
            "torch_dtype": "float32",
        },
        "transformers.js_config": {"dtype": dtype},
    }
    generation_config = {
        "bos_token_id": vocab[BOS],
        "eos_token_id": vocab[EOS],
        "pad_token_id": vocab[PAD],
        "guidance_scale": 5,
    }
    preprocessor = {
        "processor_class": "VLChatProcessor",
        "image_processor_type": "VLMImageProcessor",
        "image_size": c["image_size"],
        "min_size": 2,
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "background_color": [0.5, 0.5, 0.5],
    }
    processor = {
        "processor_class": "VLChatProcessor",
        "image_tag": IMAGE_TAG,
        "image_start_tag": IMAGE_START,
        "image_end_tag": IMAGE_END,
        "pad_tag": PAD,
        "num_image_tokens": tokens,
        "add_special_token": False,
        "sft_format": "deepseek",
        "mask_prompt": True,
        "ignore_id": -100,
    }
    files = {
        "config.json": config,
        "generation_config.json": generation_config,
        "preprocessor_config.json": preprocessor,
        "processor_config.json": processor,
        "tokenizer.json": tokenizer,
        "tokenizer_config.json": tokenizer_config,
    }
    for file, value in files.items():
        (out / file).write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "fixtures"
    torch.set_num_threads(1)
    for name, c in FIXTURES.items():
        build(name, c, root)
        print(f"wrote {root / name}")


if __name__ == "__main__":
    main()

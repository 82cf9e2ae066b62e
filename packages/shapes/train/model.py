"""Llama-style decoder for the shapes text-to-image model.

RMSNorm, rotary position embeddings driven by ``position_ids``, SwiGLU MLP,
causal multi-head attention with a KV cache, plus learned 2D row/column
embeddings for image positions (computed from ``position_ids`` too, so the
standard Optimum decoder interface is kept).

The same ``forward`` serves training (no past), PyTorch sampling (with past)
and ONNX export.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int
    d_model: int = 192
    n_layers: int = 4
    n_heads: int = 6
    ffn_hidden: int = 512
    max_positions: int = 320
    rope_theta: float = 10000.0
    # image layout: input position ``image_pos0 + k`` predicts image cell k
    image_pos0: int = 29
    grid: int = 16
    norm_eps: float = 1e-5

    @property
    def head_dim(self):
        return self.d_model // self.n_heads

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(var + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.nh = cfg.n_heads
        self.hd = cfg.head_dim
        d = cfg.d_model
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.o = nn.Linear(d, d, bias=False)

    def forward(self, x, cos, sin, bias, past_k=None, past_v=None):
        b, s, _ = x.shape
        q, k, v = self.qkv(x).split(self.nh * self.hd, dim=-1)
        q = q.view(b, s, self.nh, self.hd).transpose(1, 2)
        k = k.view(b, s, self.nh, self.hd).transpose(1, 2)
        v = v.view(b, s, self.nh, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
        att = att + bias
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v)
        y = y.transpose(1, 2).reshape(b, s, self.nh * self.hd)
        return self.o(y), k, v


class MLP(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.gate_up = nn.Linear(cfg.d_model, 2 * cfg.ffn_hidden, bias=False)
        self.down = nn.Linear(cfg.ffn_hidden, cfg.d_model, bias=False)
        self.h = cfg.ffn_hidden

    def forward(self, x):
        g, u = self.gate_up(x).split(self.h, dim=-1)
        return self.down(F.silu(g) * u)


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.n1 = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.n2 = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, bias, pk=None, pv=None):
        a, k, v = self.attn(self.n1(x), cos, sin, bias, pk, pv)
        x = x + a
        x = x + self.mlp(self.n2(x))
        return x, k, v


NEG = -1e9


class Decoder(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.embed = nn.Embedding(cfg.vocab_size, d)
        self.row = nn.Parameter(torch.zeros(cfg.grid, d))
        self.col = nn.Parameter(torch.zeros(cfg.grid, d))
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.norm = RMSNorm(d, cfg.norm_eps)
        self.head = nn.Linear(d, cfg.vocab_size, bias=False)
        hd = cfg.head_dim
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2).float() / hd))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.apply(self._init)
        for blk in self.blocks:  # scaled init of residual projections
            nn.init.normal_(blk.attn.o.weight, std=0.02 / math.sqrt(2 * cfg.n_layers))
            nn.init.normal_(blk.mlp.down.weight, std=0.02 / math.sqrt(2 * cfg.n_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def pos2d_table(self):
        """[max_positions, d]: row+col embedding of the cell predicted next, 0 elsewhere."""
        c = self.cfg
        n = c.grid * c.grid
        grid = (self.row[:, None, :] + self.col[None, :, :]).reshape(n, -1)
        d = grid.shape[-1]
        before = torch.zeros(c.image_pos0, d, dtype=grid.dtype)
        after = torch.zeros(c.max_positions - c.image_pos0 - n, d, dtype=grid.dtype)
        return torch.cat([before, grid, after], dim=0)

    def forward(self, input_ids, position_ids, attention_mask=None, past=None):
        """input_ids, position_ids: [b, s] int64; attention_mask: [b, past+s] int64
        (1 = attend) or None (all ones); past: list of (k, v) [b, h, past, hd] or None.
        Returns logits [b, s, V] and the list of present (k, v)."""
        b, s = input_ids.shape
        pos = position_ids.clamp(0, self.cfg.max_positions - 1)
        x = self.embed(input_ids) + F.embedding(pos, self.pos2d_table())
        freqs = pos.to(torch.float32)[..., None] * self.inv_freq  # [b, s, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)[:, None, :, :]  # [b, 1, s, hd]
        cos, sin = emb.cos(), emb.sin()
        past_len = past[0][0].shape[2] if past is not None else 0
        # causal inside the new block + attention_mask over past+new
        q_idx = torch.arange(s, dtype=torch.int64)[:, None] + past_len
        k_idx = torch.arange(past_len + s, dtype=torch.int64)[None, :]
        allowed = (k_idx <= q_idx)[None, None, :, :]  # [1,1,s,past+s]
        if attention_mask is not None:
            allowed = allowed & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, torch.zeros((), dtype=torch.float32),
                           torch.full((), NEG, dtype=torch.float32))
        presents = []
        for i, blk in enumerate(self.blocks):
            pk, pv = (past[i] if past is not None else (None, None))
            x, k, v = blk(x, cos, sin, bias, pk, pv)
            presents.append((k, v))
        return self.head(self.norm(x)), presents


def count_params(m):
    return sum(p.numel() for p in m.parameters())

"""Trainer tests run on at most 2 threads (the CI machines have 2 cores)."""

import torch

torch.set_num_threads(2)

"""pixel_values and image_grid_thw against transformers' default (torchvision) image processor on
the CPU, exactly (bit for bit), for PNGs of many sizes: odd, tiny, very wide and tall, and ones
that smart_resize scales down or up. Also the pixel budget (--max-pixels) and the aspect-ratio
limit."""
from __future__ import annotations

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from conftest import run_cli
from test_engine_parity import make_png
import vistag_fixtures

SIZES = [(1, 1), (5, 3), (31, 33), (32, 32), (48, 80), (97, 251), (200, 150), (480, 640),
         (1040, 1360), (1360, 1040), (1080, 1920), (3, 500), (600, 4), (2000, 40), (17, 3000),
         (256, 256), (255, 257), (1023, 769), (333, 999), (4000, 3000)]


def processor(max_pixels=None):
    proc = vistag_fixtures.build_processor()
    if max_pixels:
        proc.image_processor.size = {"shortest_edge": min(65536, max_pixels),
                                     "longest_edge": max_pixels}
    return proc.image_processor


@pytest.mark.parametrize("w,h", SIZES)
def test_pixels_match_exactly(tiny_model, work_dir, w, h):
    folder = tiny_model[0]
    png = make_png(work_dir / f"img_{w}x{h}.png", w, h, seed=w * 7919 + h)
    dump = work_dir / f"pp_{w}x{h}.safetensors"
    run_cli("ask", "--model", folder, "--image", png, "--prompt", "x", "--dump", dump,
            "--preprocess-only", "--device", "cpu")
    ours = load_file(str(dump))
    ref = processor()(images=[Image.open(png).convert("RGB")], return_tensors="pt")
    assert ours["image_grid_thw"].tolist() == ref["image_grid_thw"].tolist()
    assert torch.equal(ours["pixel_values"], ref["pixel_values"])


@pytest.mark.parametrize("budget", [512 * 512, 300 * 200, 100000])
def test_pixel_budget_matches_transformers_max_pixels(tiny_model, work_dir, budget):
    folder = tiny_model[0]
    png = make_png(work_dir / "budget.png", 1200, 900, seed=5)
    dump = work_dir / f"budget_{budget}.safetensors"
    run_cli("ask", "--model", folder, "--image", png, "--prompt", "x", "--dump", dump,
            "--preprocess-only", "--max-pixels", budget, "--device", "cpu")
    ours = load_file(str(dump))
    ref = processor(budget)(images=[Image.open(png).convert("RGB")], return_tensors="pt")
    assert ours["image_grid_thw"].tolist() == ref["image_grid_thw"].tolist()
    assert torch.equal(ours["pixel_values"], ref["pixel_values"])


def test_extreme_aspect_ratio_is_a_clear_error(tiny_model, work_dir):
    png = make_png(work_dir / "thin.png", 2010, 10, seed=3)
    r = run_cli("ask", "--model", tiny_model[0], "--image", png, "--prompt", "x", check=False)
    assert r.returncode == 5
    err = r.stderr.decode()
    assert "thin.png" in err and "aspect ratio" in err

// Precompiled header for the engine's torch translation units: ATen is the expensive part.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

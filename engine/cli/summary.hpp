#pragma once
// The readable end-of-run summary: national and per-region KPIs.
#include <cstdio>

#include "blood/kpi.hpp"

namespace giotmau::cli {

void print_summary(std::FILE* out, const blood::RunResult& result);

}  // namespace giotmau::cli

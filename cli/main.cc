#include <cstdio>

int main() {
  std::puts("stocktake");
  return 0;
}

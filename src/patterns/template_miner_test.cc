#include "patterns/masks.h"
#include <gtest/gtest.h>

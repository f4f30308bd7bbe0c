#!/usr/bin/env node
import "../dist/ferry.js";

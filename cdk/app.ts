#!/usr/bin/env node
import { buildApp } from './promptpulse.ts';

buildApp().app.synth();

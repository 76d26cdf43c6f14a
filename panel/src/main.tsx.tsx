import { render } from 'preact';
import { App } from './app';
import './api';

render(<App />, document.getElementById('app')!);

import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PROMETHEUS_CONTENT_TYPE } from '@waymark/express';
import { form, mobilePar, testApp } from '../../support/app.js';

describe('GET /metrics', () => {
  it('counts PAR requests by client and result, and times them', async () => {
    const { app } = testApp();
    await request(app).post('/par').type('form').send(form(mobilePar()));
    await request(app).post('/par').type('form').send(form(mobilePar({ response_type: 'token' })));
    await request(app).post('/par').type('form').send(form(mobilePar({ client_id: 'made-up-client' })));
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.text).toContain('waymark_par_requests_total{client="mobile-app",result="created"} 1');
    expect(res.text).toContain('waymark_par_requests_total{client="mobile-app",result="unsupported_response_type"} 1');
    expect(res.text).toContain('waymark_par_requests_total{client="unknown",result="invalid_client"} 1');
    expect(res.text).not.toContain('made-up-client');
    expect(res.text).toContain('waymark_http_request_duration_seconds_count{endpoint="par",status="201"} 1');
  });

  it('exposes the registry on the router so later endpoints add their metrics to /metrics', async () => {
    const { app, router } = testApp();
    router.metrics.counter('waymark_journeys_total', 'Journeys by flow and outcome.', ['flow', 'outcome']).inc({ flow: 'login', outcome: 'success' });
    const res = await request(app).get('/metrics');
    expect(res.text).toContain('waymark_journeys_total{flow="login",outcome="success"} 1');
  });
});
